#include "ClaudeCodeTestHome.h"

#include <QFile>

using namespace sb;

namespace {

const QString kGateway = QStringLiteral("http://127.0.0.1:4000");

bool mentions(const ClaudeCodeStatus &status, const QString &text)
{
    return status.problems.join(QLatin1Char('\n')).contains(text);
}

void installFakeClaude(const ClaudeCodeTestHome &home, const QString &relativeDir)
{
    const QString file = home.path(relativeDir + QStringLiteral("/claude"));
    ClaudeCodeTestHome::writeBytes(file, "#!/bin/sh\necho '2.1.332 (Claude Code)'\n");
    QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

} // namespace

TEST_CASE("Status after connect: connected, nothing to fix", "[claudecode][status]")
{
    ClaudeCodeTestHome home;
    installFakeClaude(home, QStringLiteral("bin"));
    ClaudeCodeConnector connector(home.paths());
    REQUIRE(connector.connect(gatewaySettings()).ok);

    const ClaudeCodeStatus status = connector.status(kGateway, QStringLiteral("sb-test-token"), home.environment());
    INFO(status.problems.join(QLatin1Char('\n')).toStdString());
    CHECK(status.binaryPath == home.path(QStringLiteral("bin/claude")));
    CHECK(status.version == QStringLiteral("2.1.332"));
    CHECK(status.userSettingsPointAtGateway);
    CHECK(status.tokenMatches);
    CHECK(status.onboardingDone);
    CHECK(status.effectiveScope == QStringLiteral("user"));
    CHECK(status.problems.isEmpty());
    CHECK(status.connected());
    // localhost is the same gateway as 127.0.0.1.
    CHECK(connector
              .status(QStringLiteral("http://localhost:4000/v1"), QStringLiteral("sb-test-token"), home.environment())
              .connected());
}

TEST_CASE("Status before connect says what to do", "[claudecode][status]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const ClaudeCodeStatus status = connector.status(kGateway, QStringLiteral("sb-test-token"), home.environment());
    CHECK_FALSE(status.connected());
    CHECK(status.binaryPath.isEmpty());
    CHECK(mentions(status, QStringLiteral("npm install -g @anthropic-ai/claude-code")));
    CHECK(mentions(status, QStringLiteral("switchboard claude connect")));
    CHECK(mentions(status, QStringLiteral("hasCompletedOnboarding")));
}

TEST_CASE("Status finds claude in ~/.local/bin and ~/.claude/local", "[claudecode][status]")
{
    ClaudeCodeTestHome home;
    installFakeClaude(home, QStringLiteral("home/.claude/local"));
    CHECK(ClaudeCodeConnector::findClaudeBinary(home.environment(), home.home()) ==
          home.path(QStringLiteral("home/.claude/local/claude")));
    installFakeClaude(home, QStringLiteral("home/.local/bin"));
    CHECK(ClaudeCodeConnector::findClaudeBinary(home.environment(), home.home()) ==
          home.path(QStringLiteral("home/.local/bin/claude")));
}

TEST_CASE("Project and local settings that override the gateway are named", "[claudecode][status]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    REQUIRE(connector.connect(gatewaySettings()).ok);
    ClaudeCodeTestHome::writeBytes(connector.paths().localSettingsFile(),
                                   R"({"env": {"ANTHROPIC_BASE_URL": "https://api.anthropic.com"}})");
    ClaudeCodeTestHome::writeBytes(connector.paths().projectSettingsFile(),
                                   R"({"env": {"ANTHROPIC_BASE_URL": "http://127.0.0.1:4000"}, "permissions": {}})");

    const ClaudeCodeStatus status = connector.status(kGateway, QStringLiteral("sb-test-token"), home.environment());
    REQUIRE(status.sources.size() == 3);
    CHECK(status.sources[0].scope == QStringLiteral("local"));
    CHECK_FALSE(status.sources[0].pointsAtGateway);
    CHECK(status.sources[1].scope == QStringLiteral("project"));
    CHECK(status.sources[1].pointsAtGateway);
    CHECK(status.effectiveBaseUrl == QStringLiteral("https://api.anthropic.com"));
    CHECK(mentions(status, QStringLiteral("settings.local.json")));
    CHECK_FALSE(mentions(status, QStringLiteral("project/.claude/settings.json (project")));
    CHECK_FALSE(status.connected());
}

TEST_CASE("The shell environment: overridden by settings, a problem without them", "[claudecode][status]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    QProcessEnvironment shell = home.environment();
    shell.insert(QStringLiteral("ANTHROPIC_BASE_URL"), QStringLiteral("https://elsewhere.example"));

    const ClaudeCodeStatus before = connector.status(kGateway, QStringLiteral("sb-test-token"), shell);
    CHECK(before.effectiveScope == QStringLiteral("process"));
    CHECK(mentions(before, QStringLiteral("your shell sets ANTHROPIC_BASE_URL")));

    REQUIRE(connector.connect(gatewaySettings()).ok);
    const ClaudeCodeStatus after = connector.status(kGateway, QStringLiteral("sb-test-token"), shell);
    CHECK(after.effectiveScope == QStringLiteral("user"));
    CHECK_FALSE(mentions(after, QStringLiteral("your shell sets ANTHROPIC_BASE_URL")));
    CHECK(after.sources.last().scope == QStringLiteral("process"));

    shell.insert(QStringLiteral("ANTHROPIC_API_KEY"), QStringLiteral("sk-ant-x"));
    CHECK(mentions(connector.status(kGateway, QStringLiteral("sb-test-token"), shell),
                   QStringLiteral("ANTHROPIC_API_KEY")));
}

TEST_CASE("A stale token and a broken project file are problems", "[claudecode][status]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    REQUIRE(connector.connect(gatewaySettings(QStringLiteral("sb-old"))).ok);
    ClaudeCodeTestHome::writeBytes(connector.paths().projectSettingsFile(), "{ \"env\": ");
    const ClaudeCodeStatus status = connector.status(kGateway, QStringLiteral("sb-new"), home.environment());
    CHECK(status.userSettingsPointAtGateway);
    CHECK_FALSE(status.tokenMatches);
    CHECK(mentions(status, QStringLiteral("not the gateway's current token")));
    REQUIRE(status.settingsErrors.size() == 1);
    CHECK(status.settingsErrors.first().contains(QStringLiteral("line 1")));
}
