#pragma once

#include "controllers/SettingsController.h"

#include <QMap>
#include <QWidget>

class QCheckBox;
class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;

namespace sb {

// Settings: the gateway's address, port, Ollama address and history in the config file; the
// token; and the desktop options (start at login, start minimised, close to tray).
class SettingsPage final : public QWidget
{
    Q_OBJECT
public:
    explicit SettingsPage(SettingsController *controller, QWidget *parent = nullptr);

private:
    void showFields();
    void save();
    void showToken();

    struct FieldWidgets
    {
        QLineEdit *edit = nullptr;
        QLabel *error = nullptr;
        QString saved; // the value in the file
    };

    SettingsController *m_controller;
    QMap<QString, FieldWidgets> m_fields;
    QPushButton *m_save;
    QPushButton *m_revert;
    QLabel *m_saveResult;
    QLineEdit *m_token;
    QPushButton *m_showToken;
    QPushButton *m_copyToken;
    QPushButton *m_regenerate;
    QFrame *m_regenerateConfirm;
    QLabel *m_tokenNote;
    QLabel *m_tokenHelp;
    QCheckBox *m_loginStart;
    QCheckBox *m_startMinimised;
    QCheckBox *m_closeToTray;
    QLabel *m_desktopNote;
    bool m_tokenVisible = false;
};

} // namespace sb
