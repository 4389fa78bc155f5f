#pragma once

#include "controllers/ClaudeCodeController.h"
#include "controllers/GatewayHealth.h"

#include <QHash>

#include <QWidget>

class QFrame;
class QGridLayout;
class QLabel;
class QPushButton;
class QVBoxLayout;

namespace sb {

// Claude Code: installed or not, connected or not and why, Connect / Disconnect with a preview
// of the keys they change, Verify, and which deployment answers each Claude model name.
class ClaudeCodePage final : public QWidget
{
    Q_OBJECT
public:
    explicit ClaudeCodePage(ClaudeCodeController *controller, QWidget *parent = nullptr);

    // "ANTHROPIC_API_KEY: sk-…wxyz → (not set)"; secrets are shortened.
    static QString describeChange(const ConnectorKeyChange &change);
    // The gateway's view of its deployments (GatewayController::deployments()): a tier whose
    // deployment cannot be reached or keeps failing says so beside it, with what to do.
    void setDeploymentHealth(const QVector<DeploymentHealth> &deployments);

private:
    void showStatus();
    void showRoutes();
    void showPreview(ClaudeCodeController::Action action, const ConnectorResult &preview);
    void showResult(ClaudeCodeController::Action action, const ConnectorResult &result);
    void showVerify(const VerifyOutcome &outcome);
    void updateButtons();

    ClaudeCodeController *m_controller;
    QLabel *m_summary;
    QLabel *m_install;
    QLabel *m_sources;
    QLabel *m_problems;
    QPushButton *m_connect;
    QPushButton *m_disconnect;
    QPushButton *m_verify;
    QPushButton *m_refresh;
    QPushButton *m_copySnippet;
    QFrame *m_preview;
    QLabel *m_previewTitle;
    QLabel *m_previewKeys;
    QPushButton *m_previewApply;
    QPushButton *m_previewCancel;
    QLabel *m_result;
    QLabel *m_verifyResult;
    QGridLayout *m_routes;
    QHash<QString, DeploymentHealth> m_health; // by deployment id
    ClaudeCodeController::Action m_previewAction = ClaudeCodeController::Action::Connect;
    bool m_verifying = false;
};

} // namespace sb
