// Renders the Claude Code or Settings page over a throw-away HOME and saves a PNG, so the
// pages can be looked at (offscreen, under Xvfb, at QT_SCALE_FACTOR=2, at 800×500).
//   page_screenshot --page claude-code|settings --out FILE [--size 800x500] [--state NAME]
// States of the Claude Code page: "fresh" (nothing set), "overridden" (a shell variable and a
// project file point elsewhere), "preview" (the Connect preview open), "connected"; of the
// Settings page: "invalid" (a refused port).
#include "config/ConfigLoader.h"
#include "controllers/ClaudeCodeController.h"
#include "controllers/SettingsController.h"
#include "pages/ClaudeCodePage.h"
#include "pages/SettingsPage.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFrame>
#include <QLineEdit>
#include <QPixmap>
#include <QPushButton>
#include <QTemporaryDir>

#include <cstdio>
#include <functional>

using namespace sb;

namespace {

void write(const QString &file, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(file).absolutePath());
    QFile f(file);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(bytes);
}

bool spinUntil(const std::function<bool()> &done, int ms = 10000)
{
    QDeadlineTimer deadline(ms);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return done();
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("SWITCHBOARD_SECRETS_BACKEND", "file");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions(
        {{QStringLiteral("page"), QStringLiteral("claude-code or settings"), QStringLiteral("page")},
         {QStringLiteral("out"), QStringLiteral("PNG file"), QStringLiteral("file")},
         {QStringLiteral("size"), QStringLiteral("WxH"), QStringLiteral("size"), QStringLiteral("900x640")},
         {QStringLiteral("state"), QStringLiteral("page state"), QStringLiteral("state"), QStringLiteral("fresh")}});
    parser.process(app);
    const QStringList size = parser.value(QStringLiteral("size")).split(QLatin1Char('x'));
    const QString state = parser.value(QStringLiteral("state"));

    QTemporaryDir dir;
    const QString home = dir.filePath(QStringLiteral("home"));
    const QString project = dir.filePath(QStringLiteral("project"));
    const QString stateDir = dir.filePath(QStringLiteral("home/.config/switchboard"));
    const QString configPath = QDir(stateDir).filePath(QStringLiteral("config.yaml"));
    write(configPath, ConfigLoader::defaultConfigText());
    const GatewayConfig config = ConfigLoader::loadFile(configPath).config;
    const QString token = QStringLiteral("sb-Xq3v9kT2mW8pL4rN6sJ1hF5dG7bC0aZyEuIoPkMnBvCx");

    QWidget *page = nullptr;
    std::unique_ptr<QObject> controller;
    if (parser.value(QStringLiteral("page")) == QLatin1String("claude-code")) {
        ClaudeCodeSetup setup;
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("PATH"), dir.filePath(QStringLiteral("bin")));
        write(dir.filePath(QStringLiteral("bin/claude")), "#!/bin/sh\necho '2.1.332 (Claude Code)'\n");
        QFile::setPermissions(dir.filePath(QStringLiteral("bin/claude")),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        if (state != QLatin1String("fresh"))
            write(QDir(home).filePath(QStringLiteral(".claude/settings.json")),
                  "{\n  \"env\": {\"ANTHROPIC_BASE_URL\": \"https://api.example-proxy.dev\",\n"
                  "          \"ANTHROPIC_API_KEY\": \"sk-ant-api03-abcdefghijklmnopqrstuvwxyz\"},\n"
                  "  \"permissions\": {\"allow\": [\"Bash(git status)\"]}\n}\n");
        if (state == QLatin1String("overridden")) {
            env.insert(QStringLiteral("ANTHROPIC_BASE_URL"), QStringLiteral("http://localhost:8082"));
            write(QDir(project).filePath(QStringLiteral(".claude/settings.local.json")),
                  "{\"env\": {\"ANTHROPIC_BASE_URL\": \"http://10.0.0.7:4000\"}}\n");
        }
        setup.environment = env;
        setup.paths = ClaudeCodePaths::fromEnvironment(env, stateDir, project);
        setup.gatewayBaseUrl = QStringLiteral("http://127.0.0.1:4000");
        setup.gatewayToken = token;
        setup.config = config;
        auto *claude = new ClaudeCodeController(setup);
        controller.reset(claude);
        if (state == QLatin1String("connected"))
            ClaudeCodeConnector(setup.paths).connect(claude->connectSettings());
        auto *claudePage = new ClaudeCodePage(claude);
        page = claudePage;
        page->resize(size.value(0).toInt(), size.value(1).toInt());
        page->show();
        spinUntil([claude] { return claude->status().has_value() && !claude->isBusy(); });
        if (state == QLatin1String("preview")) {
            page->findChild<QPushButton *>(QStringLiteral("claude-connect"))->click();
            auto *preview = page->findChild<QFrame *>(QStringLiteral("claude-preview"));
            spinUntil([preview] { return !preview->isHidden(); });
        }
    } else {
        qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("xdg")).toUtf8());
        SettingsSetup setup;
        setup.configPath = configPath;
        setup.secretsDir = stateDir;
        setup.config = config;
        setup.executable = QStringLiteral("/usr/bin/switchboard");
        setup.settingsFile = dir.filePath(QStringLiteral("desktop.ini"));
        auto *settings = new SettingsController(setup);
        controller.reset(settings);
        page = new SettingsPage(settings);
        page->resize(size.value(0).toInt(), size.value(1).toInt());
        page->show();
        spinUntil([settings] { return !settings->token().isEmpty(); });
        if (state == QLatin1String("invalid")) {
            page->findChild<QLineEdit *>(QStringLiteral("settings-port"))->setText(QStringLiteral("70000"));
            page->findChild<QPushButton *>(QStringLiteral("settings-save"))->click();
        }
    }
    spinUntil([] { return false; }, 200); // let layouts settle
    const bool saved = page->grab().save(parser.value(QStringLiteral("out")));
    delete page;
    std::fprintf(saved ? stdout : stderr, "%s %s\n", saved ? "saved" : "could not save",
                 qPrintable(parser.value(QStringLiteral("out"))));
    return saved ? 0 : 1;
}
