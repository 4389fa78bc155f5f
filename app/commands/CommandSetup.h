#pragma once

#include "claudecode/ClaudeCodeConnector.h"
#include "config/GatewayConfig.h"

#include <QCoreApplication>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QTextStream>
#include <QUrl>

#include <memory>
#include <optional>

// What the machine commands (hardware, models, claude, doctor, token) share: their option
// parser, the configuration they read, the output streams and a wait on the event loop.
namespace sb::cli {

QTextStream &out(); // stdout
QTextStream &err(); // stderr

// The words of one command line from the command on: positional words and --options.
struct CommandLine
{
    QStringList words; // positional, the command first
    QHash<QString, QString> options;
    bool json = false;

    QString option(const QString &name, const QString &fallback = {}) const;
    bool has(const QString &name) const;
};

// --name=value, --name value (for the options that take one) or --flag ("1").
CommandLine parseCommandLine(const QStringList &words);

// What the commands need from the configuration, with command-line overrides.
struct Setup
{
    QString configPath;
    std::optional<GatewayConfig> config; // absent when the file is missing or has errors
    QStringList configErrors;
    QString stateDir; // where the gateway keeps its token
    QString gatewayUrl;
    QUrl ollamaUrl;
};

Setup loadSetup(const CommandLine &line);
// --token, else the gateway's own token from the secret store (created on first use).
QString gatewayToken(const Setup &setup, const CommandLine &line);
// Claude Code's files for this user, with --project (default: the current directory).
ClaudeCodeConnector connectorFor(const Setup &setup, const CommandLine &line);

// The commands run event loops: a QCoreApplication for the duration when none exists yet
// (null when one does).
std::unique_ptr<QCoreApplication> ensureCoreApplication();
// Runs the event loop until `done` is set by a callback.
void waitFor(const bool &done);
// "4.4 GiB"; "?" for a negative size.
QString gib(qint64 bytes);

} // namespace sb::cli
