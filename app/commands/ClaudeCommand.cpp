#include "ClaudeCommand.h"

#include "CommandSetup.h"

#include "claudecode/ClaudeCodeConnector.h"
#include "claudecode/ClaudeCodeVerifier.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>

namespace sb::cli {

namespace {

int runClaude(const CommandLine &line, const Setup &setup)
{
    const QString sub = line.words.value(1);
    ClaudeCodeConnector connector = connectorFor(setup, line);
    if (sub == QLatin1String("connect")) {
        ClaudeConnectSettings settings;
        settings.baseUrl = setup.gatewayUrl;
        settings.authToken = gatewayToken(setup, line);
        settings.localUpstreams = !line.has(QStringLiteral("--cloud"));
        const QString main = line.option(QStringLiteral("--main-model"));
        settings.opusModel = main;
        settings.sonnetModel = main;
        settings.haikuModel = line.option(QStringLiteral("--small-model"));
        if (line.has(QStringLiteral("--context")))
            settings.maxContextTokens = line.option(QStringLiteral("--context")).toInt();
        const ConnectorResult result = connector.connect(settings);
        (result.ok ? out() : err()) << result.message << "\n";
        for (const QString &change : result.changes)
            out() << "  " << change << "\n";
        if (!result.backupFile.isEmpty())
            out() << "Backup: " << result.backupFile << "\n";
        return result.ok ? 0 : 1;
    }
    if (sub == QLatin1String("disconnect")) {
        const ConnectorResult result = connector.disconnect();
        (result.ok ? out() : err()) << result.message << "\n";
        for (const QString &change : result.changes)
            out() << "  " << change << "\n";
        for (const QString &warning : result.warnings)
            out() << "  note: " << warning << "\n";
        return result.ok ? 0 : 1;
    }
    if (sub == QLatin1String("status")) {
        const ClaudeCodeStatus status =
            connector.status(setup.gatewayUrl, gatewayToken(setup, line), QProcessEnvironment::systemEnvironment());
        if (line.json) {
            out() << QJsonDocument(status.toJson()).toJson(QJsonDocument::Indented);
            return status.connected() ? 0 : 1;
        }
        out() << "Claude Code: "
              << (status.binaryPath.isEmpty() ? QStringLiteral("not found")
                                              : status.binaryPath + QLatin1Char(' ') + status.version)
              << "\n";
        for (const BaseUrlSource &source : status.sources)
            out() << "  ANTHROPIC_BASE_URL=" << source.baseUrl << " in "
                  << (source.file.isEmpty() ? QStringLiteral("the shell environment") : source.file)
                  << (source.pointsAtGateway ? "  (this gateway)" : "") << "\n";
        out() << "Effective: "
              << (status.effectiveBaseUrl.isEmpty() ? QStringLiteral("api.anthropic.com (nothing set)")
                                                    : status.effectiveBaseUrl)
              << "\n";
        out() << "Onboarding done: " << (status.onboardingDone ? "yes" : "no") << "\n";
        out() << (status.connected() ? "Connected to the gateway at " : "Not connected to the gateway at ")
              << setup.gatewayUrl << "\n";
        for (const QString &problem : status.problems)
            out() << "  - " << problem << "\n";
        return status.connected() ? 0 : 1;
    }
    if (sub == QLatin1String("verify")) {
        ClaudeCodeVerifier::Options options;
        options.baseUrl = setup.gatewayUrl;
        options.token = gatewayToken(setup, line);
        options.model = line.option(QStringLiteral("--model"), options.model);
        if (!line.has(QStringLiteral("--http")))
            options.claudeBinary = ClaudeCodeConnector::findClaudeBinary(QProcessEnvironment::systemEnvironment(),
                                                                         connector.paths().homeDir);
        const VerifyOutcome outcome = ClaudeCodeVerifier::verify(options);
        if (outcome.ok) {
            out() << "OK (" << outcome.method << "): " << outcome.detail << "\n";
            return 0;
        }
        err() << "Failed (" << outcome.method << "): " << outcome.detail << "\n" << outcome.advice << "\n";
        return 1;
    }
    err() << "usage: switchboard claude connect [--main-model M] [--small-model M] [--context N] [--cloud] | "
             "disconnect | status [--json] | verify [--http]\n";
    return 2;
}

} // namespace

int runClaudeCommand(const QStringList &words)
{
    const CommandLine line = parseCommandLine(words);
    return runClaude(line, loadSetup(line));
}

} // namespace sb::cli
