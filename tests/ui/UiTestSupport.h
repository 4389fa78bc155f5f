#pragma once

#include <QByteArray>
#include <QString>

#include "controllers/GatewayController.h"

class QTemporaryDir;

namespace sb::test {

// QSettings of the UI tests go to a throw-away folder, never the user's.
void isolateSettings(const QTemporaryDir &dir);
// A config file with one Ollama deployment at `apiBase`; usage off unless a spend log is given.
QByteArray ollamaConfig(const QString &apiBase, const QString &extra = {}, const QString &usageDb = {});
void saveFile(const QString &path, const QByteArray &text);
// The file's bytes; fails the test when it cannot be read.
QByteArray readFile(const QString &path);
// A gateway on a free loopback port for the config at `path`, with the token "sb-test".
GatewaySetup gatewaySetupFor(const QString &path);
// POST /v1/messages to the gateway and wait for the status (0: no answer in time).
int postMessage(const QString &baseUrl, const QString &token, const QString &model = QStringLiteral("main"));

} // namespace sb::test
