#pragma once

#include "Expected.h"
#include "GatewayConfig.h"

#include <functional>
#include <optional>

namespace sb {

// Reads a `keychain/NAME` reference; returns nothing when the secret is missing.
using SecretResolver = std::function<std::optional<QString>(const QString &name)>;

// Loads the LiteLLM-compatible YAML: validates every key against ConfigSchema, collects
// every problem with its file and line, resolves secret references, and fills a
// GatewayConfig. It never throws and never crashes on bad input.
// Where the gateway will listen when the command line overrides the file (--host, --port):
// the loader's self-loop check uses it, not the file's values.
struct ListenOverride
{
    QString host;  // empty: the file's switchboard.host
    int port = -1; // -1: the file's switchboard.port
};

class ConfigLoader final
{
public:
    static ConfigLoadResult loadFile(const QString &path, const SecretResolver &secrets = {},
                                     const ListenOverride &listen = {});
    static ConfigLoadResult loadText(const QByteArray &yaml, const QString &fileName,
                                     const SecretResolver &secrets = {}, const ListenOverride &listen = {});

    // Errors for every deployment whose api_base is the gateway itself (`host` as configured,
    // `port` as bound): requests would loop back into Switchboard. The loader runs it with the
    // configured port; the gateway runs it again with the port it actually bound (e.g. for 0).
    static QList<ConfigIssue> selfLoopIssues(const GatewayConfig &config, const QString &host, quint16 port,
                                             const QString &fileName = {});

    // The provider prefixes of litellm_params.model that load ("ollama", "openai", …), in the
    // loader's order.
    static QStringList providerPrefixes();

    // <user config dir>/switchboard/config.yaml (QStandardPaths::AppConfigLocation).
    static QString defaultConfigPath();
    // The first-run config: Claude's opus/sonnet names → a tool-capable Ollama coder model,
    // haiku names → a small one, at http://127.0.0.1:11434.
    static QByteArray defaultConfigText();
    // Writes the default config to `path` unless a file exists there already.
    static Expected<void, QString> ensureDefaultConfig(const QString &path);
};

} // namespace sb
