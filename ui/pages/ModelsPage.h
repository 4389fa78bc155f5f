#pragma once

#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace sb {

class InstalledModelsModel;
class ModelsController;
class PullListModel;

// The Models page: whether Ollama answers (and what to do when it does not), the installed
// models with their context, tool calling and the mappings that use them, a Delete that asks
// first, and the downloads with progress, speed, time left, Pause, Resume and Cancel.
class ModelsPage final : public QWidget
{
    Q_OBJECT
public:
    // Asked before a delete with the question's text; true: go ahead. The default asks with a
    // message box; tests answer themselves.
    using Confirm = std::function<bool(const QString &question)>;

    ModelsPage(ModelsController *controller, const QStringList &suggestions, QWidget *parent = nullptr);
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showState();
    void updateButtons();
    void deleteSelected();
    void pullTyped();

    ModelsController *m_controller;
    InstalledModelsModel *m_installed;
    PullListModel *m_pullList;
    Confirm m_confirm;
    QLabel *m_state;
    QLabel *m_installedTitle;
    QTableView *m_installedTable;
    QPushButton *m_delete;
    QPushButton *m_useMain;
    QPushButton *m_useSmall;
    QPushButton *m_toolCheck;
    QLineEdit *m_pullName;
    QPushButton *m_pull;
    QTableView *m_pullTable;
    QPushButton *m_pause;
    QPushButton *m_pullUse; // "Use for Claude Code" on a finished download
    QPushButton *m_resume;
    QPushButton *m_cancel;
    QLabel *m_message;
};

} // namespace sb
