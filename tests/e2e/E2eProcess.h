#pragma once

#include "TestWait.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>

namespace sb::test {

struct ProcessResult
{
    bool started = false;
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs a client program while this thread's event loop keeps serving the fakes.
inline ProcessResult runClient(const QString &program, const QStringList &arguments,
                               const QProcessEnvironment &environment, const QString &workingDir, int timeoutMs)
{
    ProcessResult result;
    QProcess process;
    process.setProgram(program);
    process.setArguments(arguments);
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(workingDir);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start();
    result.started = process.waitForStarted(10000);
    if (!result.started)
        return result;
    result.finished = waitUntil([&process] { return process.state() == QProcess::NotRunning; }, timeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

inline QString e2eDir()
{
    return QStringLiteral(SWITCHBOARD_E2E_DIR);
}

inline QString claudeBinary()
{
    return e2eDir() + QStringLiteral("/node_modules/.bin/claude");
}

} // namespace sb::test
