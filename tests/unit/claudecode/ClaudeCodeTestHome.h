#pragma once

#include "claudecode/ClaudeCodeConnector.h"

#include <catch2/catch.hpp>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QTemporaryDir>

namespace Catch {
template<> struct StringMaker<QString>
{
    static std::string convert(const QString &value) { return '"' + value.toStdString() + '"'; }
};
template<> struct StringMaker<QJsonObject>
{
    static std::string convert(const QJsonObject &value)
    {
        return QJsonDocument(value).toJson(QJsonDocument::Compact).toStdString();
    }
};
} // namespace Catch

// A throw-away HOME with Switchboard's state dir and a project dir beside it.
class ClaudeCodeTestHome final
{
public:
    ClaudeCodeTestHome()
    {
        REQUIRE(m_dir.isValid());
        QDir(m_dir.path()).mkpath(QStringLiteral("home"));
        QDir(m_dir.path()).mkpath(QStringLiteral("state"));
        QDir(m_dir.path()).mkpath(QStringLiteral("project"));
    }

    QString path(const QString &relative) const { return QDir(m_dir.path()).filePath(relative); }
    QString home() const { return path(QStringLiteral("home")); }

    QProcessEnvironment environment(bool withConfigDir = false) const
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), home());
        env.insert(QStringLiteral("USERPROFILE"), home());
        env.insert(QStringLiteral("PATH"), path(QStringLiteral("bin")));
        if (withConfigDir)
            env.insert(QStringLiteral("CLAUDE_CONFIG_DIR"), path(QStringLiteral("claude-config")));
        return env;
    }

    sb::ClaudeCodePaths paths(bool withConfigDir = false) const
    {
        return sb::ClaudeCodePaths::fromEnvironment(environment(withConfigDir), path(QStringLiteral("state")),
                                                    path(QStringLiteral("project")));
    }

    static QByteArray fixture(const QString &name)
    {
        QFile file(QStringLiteral(SWITCHBOARD_FIXTURE_DIR "/claudecode/") + name);
        REQUIRE(file.open(QIODevice::ReadOnly));
        return file.readAll();
    }

    static void writeBytes(const QString &file, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(file).absolutePath());
        QFile f(file);
        REQUIRE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    }

    static QByteArray readBytes(const QString &file)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    // The file as a JSON object; fails the test when it is not one.
    static QJsonObject readObject(const QString &file)
    {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(readBytes(file), &error);
        INFO(file.toStdString() << ": " << error.errorString().toStdString());
        REQUIRE(doc.isObject());
        return doc.object();
    }

private:
    QTemporaryDir m_dir;
};

inline sb::ClaudeConnectSettings gatewaySettings(const QString &token = QStringLiteral("sb-test-token"))
{
    sb::ClaudeConnectSettings settings;
    settings.baseUrl = QStringLiteral("http://127.0.0.1:4000/v1/");
    settings.authToken = token;
    settings.sonnetModel = QStringLiteral("qwen3-coder:30b");
    settings.haikuModel = QStringLiteral("qwen2.5-coder:7b");
    settings.maxContextTokens = 65536;
    return settings;
}
