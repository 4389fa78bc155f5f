#include "SwitchboardHome.h"

#include "TestWait.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>

namespace sb::test {

SwitchboardHome::SwitchboardHome(const QString &binary) : m_binary(binary)
{
    QDir root(m_root.path());
    root.mkpath(QStringLiteral("home"));
    root.mkpath(QStringLiteral("work"));
}

bool SwitchboardHome::isValid() const
{
    return m_root.isValid() && QFileInfo(m_binary).isExecutable();
}

QString SwitchboardHome::binary() const
{
    return m_binary;
}

QString SwitchboardHome::home() const
{
    return QDir(m_root.path()).filePath(QStringLiteral("home"));
}

QString SwitchboardHome::workDir() const
{
    return QDir(m_root.path()).filePath(QStringLiteral("work"));
}

QString SwitchboardHome::path(const QString &relative) const
{
    return QDir(home()).filePath(relative);
}

QProcessEnvironment SwitchboardHome::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString &key : keys) {
        if (key.startsWith(QLatin1String("ANTHROPIC_")) || key.startsWith(QLatin1String("CLAUDE")))
            env.remove(key);
    }
    env.remove(QStringLiteral("XDG_CONFIG_HOME"));
    env.remove(QStringLiteral("OLLAMA_HOST"));
    env.insert(QStringLiteral("HOME"), home());
    env.insert(QStringLiteral("SWITCHBOARD_SECRETS_BACKEND"), QStringLiteral("file"));
    env.insert(m_extra);
    return env;
}

void SwitchboardHome::setEnvironmentValue(const QString &name, const QString &value)
{
    m_extra.insert(name, value);
}

CliResult SwitchboardHome::run(const QStringList &arguments, int timeoutMs) const
{
    CliResult result;
    QProcess process;
    process.setProgram(m_binary);
    process.setArguments(arguments);
    process.setProcessEnvironment(environment());
    process.setWorkingDirectory(workDir());
    process.setStandardInputFile(QProcess::nullDevice());
    // Drain as it comes so a chatty command never blocks on a full pipe.
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &process,
                     [&] { result.out += process.readAllStandardOutput(); });
    QObject::connect(&process, &QProcess::readyReadStandardError, &process,
                     [&] { result.err += process.readAllStandardError(); });
    process.start();
    if (!process.waitForStarted(10000))
        return result;
    result.finished = waitUntil([&process] { return process.state() == QProcess::NotRunning; }, timeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    result.out += process.readAllStandardOutput();
    result.err += process.readAllStandardError();
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return result;
}

QString SwitchboardHome::token() const
{
    const CliResult result = run({QStringLiteral("token")});
    return result.exitCode == 0 ? result.output().trimmed() : QString();
}

bool SwitchboardHome::installFakeClaude() const
{
    const QString file = path(QStringLiteral(".local/bin/claude"));
    if (!writeFile(file, "#!/bin/sh\necho '2.1.332 (Claude Code)'\n"))
        return false;
    return QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

QString SwitchboardHome::settingsFile() const
{
    return path(QStringLiteral(".claude/settings.json"));
}

QString SwitchboardHome::globalStateFile() const
{
    return path(QStringLiteral(".claude.json"));
}

bool SwitchboardHome::writeFile(const QString &file, const QByteArray &bytes) const
{
    QDir().mkpath(QFileInfo(file).absolutePath());
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return out.write(bytes) == bytes.size();
}

QByteArray SwitchboardHome::readFile(const QString &file)
{
    QFile in(file);
    return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
}

QJsonObject SwitchboardHome::readJsonObject(const QString &file)
{
    return QJsonDocument::fromJson(readFile(file)).object();
}

QString SwitchboardHome::writeConfig(const QByteArray &yaml) const
{
    const QString file = QDir(m_root.path()).filePath(QStringLiteral("config/config.yaml"));
    return writeFile(file, yaml) ? file : QString();
}

HeadlessGateway::HeadlessGateway(const SwitchboardHome &home, const QStringList &arguments)
{
    m_process.setProcessEnvironment(home.environment());
    m_process.setWorkingDirectory(home.workDir());
    m_process.setProgram(home.binary());
    m_process.setArguments(QStringList{QStringLiteral("--headless")} + arguments);
    QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                     [this] { m_stderr += m_process.readAllStandardError(); });
    m_process.start();
}

HeadlessGateway::~HeadlessGateway()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
}

quint16 HeadlessGateway::waitForPort(int timeoutMs)
{
    static const QRegularExpression listening(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
    QRegularExpressionMatch match;
    waitUntil(
        [&] {
            match = listening.match(log());
            return match.hasMatch() || m_process.state() == QProcess::NotRunning;
        },
        timeoutMs);
    m_port = match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
    return m_port;
}

QString HeadlessGateway::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

QString HeadlessGateway::log() const
{
    return QString::fromUtf8(m_stderr);
}

bool HeadlessGateway::running() const
{
    return m_process.state() == QProcess::Running;
}

} // namespace sb::test
