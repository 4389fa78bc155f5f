#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace sb::test {

struct CliResult
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QString output() const { return QString::fromUtf8(out); }
    QString errors() const { return QString::fromUtf8(err); }
};

// A throw-away HOME in which the real `switchboard` binary runs as a user would run it:
// XDG_CONFIG_HOME unset (so ~/.config/switchboard holds its config and token), secrets in the
// 0600 file, no ANTHROPIC_* / CLAUDE_* / OLLAMA_HOST from the developer's shell, and a
// working directory of its own (so no project .claude/ settings apply).
class SwitchboardHome final
{
public:
    explicit SwitchboardHome(const QString &binary);

    bool isValid() const;
    QString binary() const;
    QString home() const;
    QString workDir() const;
    QString path(const QString &relative) const; // inside HOME
    QProcessEnvironment environment() const;
    // Set for every later run (e.g. CLAUDE_CONFIG_DIR, or a PATH that finds the real claude).
    void setEnvironmentValue(const QString &name, const QString &value);

    // Runs `switchboard ARGS` to the end while this thread's event loop keeps serving fakes.
    CliResult run(const QStringList &arguments, int timeoutMs = 30000) const;
    // `switchboard token`: the gateway token of this HOME (created on first use).
    QString token() const;

    // A stand-in `claude` in ~/.local/bin that only answers --version, for the checks that
    // want Claude Code installed without running it.
    bool installFakeClaude() const;

    QString settingsFile() const;    // ~/.claude/settings.json
    QString globalStateFile() const; // ~/.claude.json
    bool writeFile(const QString &path, const QByteArray &bytes) const;
    static QByteArray readFile(const QString &path);
    static QJsonObject readJsonObject(const QString &path); // empty when missing or invalid
    QString writeConfig(const QByteArray &yaml) const;      // a config.yaml outside the default place

private:
    QTemporaryDir m_root;
    QString m_binary;
    QProcessEnvironment m_extra;
};

// `switchboard --headless ARGS` running in a SwitchboardHome until destroyed.
class HeadlessGateway final
{
public:
    HeadlessGateway(const SwitchboardHome &home, const QStringList &arguments);
    ~HeadlessGateway();
    HeadlessGateway(const HeadlessGateway &) = delete;
    HeadlessGateway &operator=(const HeadlessGateway &) = delete;

    // The port from its "listening on" line; 0 when it exited or never said so.
    quint16 waitForPort(int timeoutMs = 15000);
    QString baseUrl() const;
    QString log() const;
    bool running() const;

private:
    QProcess m_process;
    QByteArray m_stderr;
    quint16 m_port = 0;
};

} // namespace sb::test
