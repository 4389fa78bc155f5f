#pragma once

#include "config/ModelListEditor.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableView;

namespace sb {

class MappingsController;
struct LocalServer;
class MappingTableModel;

// Which upstream serves each model name: the config's model_list as an editable table (values
// checked against the config schema, undo/redo until Apply), presets for adding a deployment,
// a per-row Test through the running gateway, and "which deployment would serve X" answered by
// the Router under the edited mappings. Apply saves the file as text edits; the gateway's
// watcher takes the saved file without dropping streams in flight.
class MappingsPage final : public QWidget
{
    Q_OBJECT
public:
    explicit MappingsPage(MappingsController *controller, QWidget *parent = nullptr);

    MappingTableModel *model() const { return m_model; }
    // The presets of the Add menu, by name ("Ollama", "OpenAI", …).
    static QList<QPair<QString, MappingRow>> presets();

private:
    void showLoaded(const QList<MappingRow> &rows);
    void showMessage(const QString &text, bool failed);
    void updateButtons();
    void updateTestButtons();
    void resolve();
    void showRouting();
    void showDetected(const QList<LocalServer> &servers);
    int currentRow() const;

    MappingsController *m_controller;
    MappingTableModel *m_model;
    QTableView *m_table = nullptr;
    QLabel *m_message = nullptr;
    QLineEdit *m_resolveName = nullptr;
    QLabel *m_resolution = nullptr;
    QLabel *m_routing = nullptr;
    QComboBox *m_strategy = nullptr;
    QPushButton *m_duplicate = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_up = nullptr;
    QPushButton *m_down = nullptr;
    QPushButton *m_undo = nullptr;
    QPushButton *m_redo = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_detect = nullptr;
    QListWidget *m_found = nullptr;
    QPushButton *m_addFound = nullptr;
    QPushButton *m_revert = nullptr;
};

} // namespace sb
