#include "config/ConfigEditor.h"
#include "config/ConfigLoader.h"

#include <catch2/catch.hpp>

#include <QFile>
#include <QTemporaryDir>

using namespace sb;

namespace {

const QByteArray kConfig = "# my gateway\n"
                           "model_list:\n"
                           "  - model_name: \"claude-*\"   # everything\n"
                           "    litellm_params:\n"
                           "      model: ollama/qwen2.5-coder:7b\n"
                           "      api_base: http://127.0.0.1:11434\n"
                           "\n"
                           "my_own_notes: {keep: me}       # not Switchboard's\n"
                           "switchboard:\n"
                           "  host: '127.0.0.1'            # loopback only\n"
                           "  port: 4000  # the port Claude Code uses\n"
                           "\n"
                           "# the end\n";

QByteArray readAll(const QString &path)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    return file.readAll();
}

void writeAll(const QString &path, const QByteArray &data)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(data);
}

} // namespace

TEST_CASE("a changed value keeps every comment, the order and unknown keys byte for byte")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("config.yaml"));
    writeAll(path, kConfig);
    const auto set = ConfigEditor::setValue(path, QStringLiteral("switchboard.port"), 4100);
    INFO((set ? QString() : set.error()).toStdString());
    REQUIRE(set);
    QByteArray expected = kConfig;
    expected.replace("  port: 4000  # the port", "  port: 4100  # the port");
    CHECK(readAll(path) == expected);
    CHECK(readAll(ConfigEditor::backupPath(path)) == kConfig);
    CHECK(ConfigLoader::loadFile(path).config.port == 4100);

    // A string keeps the quotes it was written with.
    REQUIRE(ConfigEditor::setValue(path, QStringLiteral("switchboard.host"), QStringLiteral("0.0.0.0")));
    expected.replace("  host: '127.0.0.1'  ", "  host: '0.0.0.0'  ");
    CHECK(readAll(path) == expected);
}

TEST_CASE("a missing key is added to its section, and a missing section at the end of the file")
{
    const auto inSection = ConfigEditor::withValue(kConfig, QStringLiteral("switchboard.usage_retention_days"), 30);
    REQUIRE(inSection);
    QByteArray expected = kConfig;
    expected.replace("the port Claude Code uses\n", "the port Claude Code uses\n  usage_retention_days: 30\n");
    CHECK(*inSection == expected);

    const auto newSection = ConfigEditor::withValue(kConfig, QStringLiteral("litellm_settings.num_retries"), 5);
    REQUIRE(newSection);
    INFO(newSection->toStdString());
    CHECK(*newSection == kConfig + "\nlitellm_settings:\n  num_retries: 5\n");
    const ConfigLoadResult loaded = ConfigLoader::loadText(*newSection, QStringLiteral("t.yaml"));
    REQUIRE(loaded.ok());
    CHECK(loaded.config.router.numRetries == 5);

    // Two levels deep, into a section that exists; a file without a final line break.
    const auto nested = ConfigEditor::withValue("model_list: []\nlitellm_settings:\n  cache: true",
                                                QStringLiteral("litellm_settings.cache_params.ttl"), 30);
    REQUIRE(nested);
    CHECK(*nested == "model_list: []\nlitellm_settings:\n  cache: true\n  cache_params:\n    ttl: 30\n");

    // Windows line breaks stay Windows line breaks.
    const auto crlf = ConfigEditor::withValue("switchboard:\r\n  port: 4000\r\n", QStringLiteral("switchboard.host"),
                                              QStringLiteral("127.0.0.1"));
    REQUIRE(crlf);
    CHECK(*crlf == "switchboard:\r\n  port: 4000\r\n  host: 127.0.0.1\r\n");
}

TEST_CASE("a wrong type or a value out of bounds is refused with the reason, the file untouched")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("config.yaml"));
    writeAll(path, kConfig);
    struct Case
    {
        const char *key;
        QVariant value;
        const char *message;
    };
    const Case cases[] = {
        {"switchboard.port", QStringLiteral("four thousand"),
         "switchboard.port expects an integer, got \"four thousand\""},
        {"switchboard.port", 70000, "switchboard.port must be from 0 to 65535, got 70000"},
        {"switchboard.port", 4000.5, "switchboard.port expects an integer"},
        {"switchboard.max_body_mb", 0, "switchboard.max_body_mb must be more than 0 and at most 4096 MB, got 0"},
        {"switchboard.usage_retention_days", 40000, "must be from 0 to 36500 days, got 40000"},
        {"litellm_settings.num_retries", 101, "must be from 0 to 100 retries, got 101"},
        {"switchboard.usage_enabled", QStringLiteral("maybe"), "expects true or false"},
        {"switchboard.nonsense", 1, "switchboard.nonsense is not a key Switchboard knows"},
        {"switchboard.allowed_hosts", QStringLiteral("x"), "is a list of strings, not a single value"},
        {"model_list[].litellm_params.rpm", 5, "is inside a list"},
        {"general_settings.master_key", QStringLiteral("sk-plain-secret"),
         "is a secret and is never written in plain text"},
    };
    for (const Case &c : cases) {
        INFO(c.key);
        const auto result = ConfigEditor::setValue(path, QLatin1String(c.key), c.value);
        REQUIRE_FALSE(result);
        INFO(result.error().toStdString());
        CHECK(result.error().contains(QLatin1String(c.message)));
        CHECK(readAll(path) == kConfig);
    }
    CHECK_FALSE(QFile::exists(ConfigEditor::backupPath(path)));
}

TEST_CASE("a value that would make the config fail to load is refused")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("config.yaml"));
    writeAll(path, kConfig);
    // In bounds, but the gateway would then listen where its own upstream is.
    const auto loop = ConfigEditor::setValue(path, QStringLiteral("switchboard.port"), 11434);
    REQUIRE_FALSE(loop);
    CHECK(loop.error().startsWith(QStringLiteral("the config would not load: ")));
    CHECK(loop.error().contains(QStringLiteral("loops back to Switchboard itself")));
    const auto strategy =
        ConfigEditor::setValue(path, QStringLiteral("router_settings.routing_strategy"), QStringLiteral("fastest"));
    REQUIRE_FALSE(strategy);
    // The schema lists the strategies: refused before the file is even loaded.
    CHECK(strategy.error() == QStringLiteral("router_settings.routing_strategy must be one of simple-shuffle, "
                                             "least-busy, latency-based-routing, usage-based-routing, "
                                             "usage-based-routing-v2, cost-based-routing, got \"fastest\""));
    REQUIRE(
        ConfigEditor::setValue(path, QStringLiteral("router_settings.routing_strategy"), QStringLiteral("least-busy")));
    CHECK(ConfigLoader::loadFile(path).config.router.routingStrategy == QStringLiteral("least-busy"));
    writeAll(path, kConfig);
    QFile::remove(ConfigEditor::backupPath(path));
    CHECK(readAll(path) == kConfig);
    CHECK_FALSE(QFile::exists(ConfigEditor::backupPath(path)));
}

TEST_CASE("secrets are written only as references; strings are quoted where YAML needs it")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("config.yaml"));
    writeAll(path, kConfig);
    REQUIRE(ConfigEditor::setValue(path, QStringLiteral("general_settings.master_key"),
                                   QStringLiteral("os.environ/SB_EDITOR_KEY")));
    REQUIRE(ConfigEditor::setValue(path, QStringLiteral("switchboard.usage_db"),
                                   QStringLiteral("/tmp/my usage: \"db\".sqlite")));
    const QByteArray text = readAll(path);
    CHECK(text.endsWith("\ngeneral_settings:\n  master_key: os.environ/SB_EDITOR_KEY\n"));
    CHECK(text.contains("  usage_db: \"/tmp/my usage: \\\"db\\\".sqlite\"\n"));
    qputenv("SB_EDITOR_KEY", "from-env");
    const ConfigLoadResult loaded = ConfigLoader::loadFile(path);
    qunsetenv("SB_EDITOR_KEY");
    REQUIRE(loaded.ok());
    CHECK(loaded.config.masterKey == QStringLiteral("from-env"));
    CHECK(loaded.config.usageDbPath == QStringLiteral("/tmp/my usage: \"db\".sqlite"));
    REQUIRE(ConfigEditor::setValue(path, QStringLiteral("general_settings.master_key"),
                                   QStringLiteral("keychain/gateway")));
    REQUIRE(ConfigEditor::setValue(path, QStringLiteral("general_settings.master_key"), QStringLiteral("${SB_KEY}")));
    CHECK(readAll(path).contains("  master_key: ${SB_KEY}\n"));
}

TEST_CASE("a missing file is created from the first-run config; a removed key falls back to its default")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/config.yaml"));
    REQUIRE(ConfigEditor::setValue(path, QStringLiteral("switchboard.port"), 4123));
    const QByteArray created = readAll(path);
    QByteArray expected = ConfigLoader::defaultConfigText();
    expected.replace("  port: 4000\n", "  port: 4123\n");
    CHECK(created == expected);
    CHECK_FALSE(QFile::exists(ConfigEditor::backupPath(path)));
    // The config may carry a token: a file the editor creates is its owner's alone.
    const QFileDevice::Permissions others =
        QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther;
    CHECK((QFile::permissions(path) & others) == QFileDevice::Permissions());
    CHECK(QFile::permissions(path).testFlag(QFileDevice::WriteOwner));

    REQUIRE(ConfigEditor::removeValue(path, QStringLiteral("switchboard.port")));
    QByteArray without = expected;
    without.replace("  port: 4123\n", "");
    CHECK(readAll(path) == without);
    CHECK(readAll(ConfigEditor::backupPath(path)) == expected);
    CHECK(ConfigLoader::loadFile(path).config.port == 4000);
    // Removing what is not there, or writing what is there, changes nothing.
    REQUIRE(ConfigEditor::removeValue(path, QStringLiteral("switchboard.port")));
    REQUIRE(ConfigEditor::setValue(path, QStringLiteral("switchboard.host"), QStringLiteral("127.0.0.1")));
    CHECK(readAll(path) == without);
    CHECK(readAll(ConfigEditor::backupPath(path)) == expected);
}

TEST_CASE("a section written on one line is left to the user")
{
    const auto flow = ConfigEditor::withValue("model_list: []\nswitchboard: {port: 4000}\n",
                                              QStringLiteral("switchboard.host"), QStringLiteral("127.0.0.1"));
    REQUIRE_FALSE(flow);
    CHECK(flow.error() ==
          QStringLiteral("switchboard is written on one line ({port: 4000}); edit it in the file itself"));
}
