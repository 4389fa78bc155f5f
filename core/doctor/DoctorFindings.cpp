#include "DoctorFindings.h"

#include <QSet>

#include <algorithm>

namespace sb {

namespace {

DoctorCheck check(const QString &id, const QString &title, bool ok, const QString &detail, const QString &fix)
{
    return DoctorCheck{id, title, ok ? DoctorCheck::Status::Ok : DoctorCheck::Status::Failure, detail, fix};
}

// Ollama lists an untagged model under ":latest".
QString installedName(const QString &upstreamModel)
{
    return upstreamModel.contains(QLatin1Char(':')) ? upstreamModel : upstreamModel + QStringLiteral(":latest");
}

bool isInstalled(const QString &upstreamModel, const QList<OllamaModel> &installed)
{
    const QString wanted = installedName(upstreamModel);
    return std::any_of(installed.begin(), installed.end(), [&](const OllamaModel &m) { return m.name == wanted; });
}

// Each Ollama deployment whose model is not yet checked: two model_names may share a model.
QList<Deployment> ollamaDeploymentsOnce(const GatewayConfig &config)
{
    QList<Deployment> once;
    QSet<QString> seen;
    for (const Deployment &d : config.deployments) {
        if (d.provider != Provider::Ollama || seen.contains(d.upstreamModel))
            continue;
        seen.insert(d.upstreamModel);
        once.append(d);
    }
    return once;
}

DoctorCheck gatewayCheck(const DoctorInputs &inputs, const DoctorProbes::Gateway &gateway)
{
    DoctorCheck result =
        check(QStringLiteral("gateway"), QStringLiteral("gateway answers at ") + inputs.gatewayUrl, false, {}, {});
    const int status = gateway.httpStatus;
    if (status == 401 || status == 403) {
        result.detail = QStringLiteral("it refuses Switchboard's own token (HTTP %1)").arg(status);
        result.fix =
            QStringLiteral(
                "the gateway keeps its token elsewhere (another user, HOME or XDG_CONFIG_HOME); this user's is in %1")
                .arg(inputs.stateDir);
    } else if (status > 0) {
        result.status = DoctorCheck::Status::Ok;
        result.detail = QStringLiteral("HTTP %1").arg(status);
    } else {
        result.detail = gateway.error;
        result.fix = QStringLiteral("start the gateway: open Switchboard, or run `switchboard --headless`");
    }
    return result;
}

void appendModelChecks(QList<DoctorCheck> &checks, const DoctorInputs &inputs, const DoctorProbes::Ollama &ollama)
{
    for (const Deployment &d : ollamaDeploymentsOnce(*inputs.config)) {
        const bool present = isInstalled(d.upstreamModel, ollama.installed);
        checks.append(check(QStringLiteral("model-installed:") + d.upstreamModel,
                            QStringLiteral("model %1 (for %2) is installed").arg(d.upstreamModel, d.modelName), present,
                            {}, QStringLiteral("run `switchboard models pull %1`").arg(d.upstreamModel)));
        if (!present)
            continue;
        const OllamaModelDetails details = ollama.details.value(d.upstreamModel);
        checks.append(
            check(QStringLiteral("model-tools:") + d.upstreamModel,
                  QStringLiteral("model %1 supports tools").arg(d.upstreamModel), details.supportsTools(),
                  details.capabilities.join(QStringLiteral(", ")),
                  QStringLiteral(
                      "map Claude Code to a tool-capable model, e.g. qwen2.5-coder:7b (see `switchboard hardware`)")));
        const int context =
            std::min(d.contextLength, details.contextLength > 0 ? details.contextLength : d.contextLength);
        checks.append(check(
            QStringLiteral("model-context:") + d.upstreamModel,
            QStringLiteral("model %1 gets a context of at least 32K").arg(d.upstreamModel),
            context >= DoctorFindings::kMinimumContext,
            QStringLiteral("%1 tokens (configured %2, model maximum %3)")
                .arg(context)
                .arg(d.contextLength)
                .arg(details.contextLength),
            QStringLiteral("set num_ctx: 32768 (or more) in its litellm_params in %1, or choose a model trained for it")
                .arg(inputs.configPath)));
    }
}

} // namespace

bool DoctorFindings::checksModels(const DoctorInputs &inputs, const DoctorProbes::Ollama &ollama)
{
    return ollama.error.isEmpty() && inputs.config.has_value();
}

QStringList DoctorFindings::modelsToInspect(const DoctorInputs &inputs, const QList<OllamaModel> &installed)
{
    QStringList names;
    if (!inputs.config)
        return names;
    for (const Deployment &d : ollamaDeploymentsOnce(*inputs.config)) {
        if (isInstalled(d.upstreamModel, installed))
            names.append(d.upstreamModel);
    }
    return names;
}

QList<DoctorCheck> DoctorFindings::checks(const DoctorInputs &inputs, const DoctorProbes &probes)
{
    QList<DoctorCheck> checks;
    if (!inputs.configErrors.isEmpty())
        checks.append(check(QStringLiteral("config"), QStringLiteral("config ") + inputs.configPath, false,
                            inputs.configErrors.join(QStringLiteral("; ")),
                            QStringLiteral("fix the lines named above")));
    checks.append(gatewayCheck(inputs, probes.gateway));

    const DoctorProbes::Ollama &ollama = probes.ollama;
    checks.append(check(QStringLiteral("ollama"), QStringLiteral("Ollama reachable at ") + inputs.ollamaUrl.toString(),
                        ollama.error.isEmpty(),
                        ollama.error.isEmpty() ? QStringLiteral("version ") + ollama.version : ollama.error,
                        QStringLiteral("start Ollama (`ollama serve`) or set its address in config.yaml's api_base")));
    if (checksModels(inputs, ollama))
        appendModelChecks(checks, inputs, ollama);

    const ClaudeCodeStatus &claude = probes.claudeCode;
    checks.append(check(QStringLiteral("claude-code"),
                        QStringLiteral("Claude Code points at the gateway with a working token"), claude.connected(),
                        claude.effectiveBaseUrl, claude.problems.join(QStringLiteral("; "))));
    return checks;
}

} // namespace sb
