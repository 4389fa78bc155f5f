#include "pages/SettingsPage.h"
#include "TestWait.h"
#include "config/ConfigLoader.h"
#include "config/YamlTextEdit.h"
#include "controllers/SettingsConfigWriter.h"
#include "controllers/SettingsController.h"
#include "controllers/SettingsLoginStart.h"
#include "secrets/SecretStore.h"

#include <catch2/catch.hpp>

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>

using namespace sb;
using sb::test::waitUntil;

namespace {

QByteArray readBytes(const QString &file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeBytes(const QString &file, const QByteArray &bytes)
{
    QFile f(file);
    REQUIRE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QStringList commentLines(const QByteArray &yaml)
{
    QStringList comments;
    for (const QByteArray &line : yaml.split('\n')) {
        const int hash = line.indexOf('#');
        if (hash >= 0)
            comments.append(QString::fromUtf8(line.mid(hash)));
    }
    return comments;
}

// Sets an environment variable for one scope.
class ScopedEnvironment final
{
public:
    ScopedEnvironment(const char *name, const QByteArray &value)
        : m_name(name), m_had(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name))
    {
        qputenv(name, value);
    }
    ~ScopedEnvironment()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }

private:
    const char *m_name;
    bool m_had;
    QByteArray m_old;
};

// A config file, a secrets dir and a QSettings file, all throw-away.
class SettingsFixture final
{
public:
    SettingsFixture()
    {
        REQUIRE(m_dir.isValid());
        m_text = ConfigLoader::defaultConfigText() + "# the end of the file\n";
        writeBytes(configPath(), m_text);
    }
    QString path(const QString &name) const { return QDir(m_dir.path()).filePath(name); }
    QString configPath() const { return path(QStringLiteral("config.yaml")); }
    const QByteArray &originalText() const { return m_text; }

    SettingsSetup setup() const
    {
        SettingsSetup setup;
        setup.configPath = configPath();
        setup.secretsDir = path(QStringLiteral("secrets"));
        const ConfigLoadResult loaded = ConfigLoader::loadFile(configPath());
        REQUIRE(loaded.ok());
        setup.config = loaded.config;
        setup.executable = QStringLiteral("/opt/Switch board/switchboard");
        setup.settingsFile = path(QStringLiteral("desktop.ini"));
        return setup;
    }

private:
    // The keyring of the machine running the tests stays untouched.
    ScopedEnvironment m_fileSecrets{SecretStore::backendEnvironmentVariable(), "file"};
    QTemporaryDir m_dir;
    QByteArray m_text;
};

template<typename T> T *child(QWidget &parent, const char *name)
{
    T *found = parent.findChild<T *>(QLatin1String(name));
    INFO(name);
    REQUIRE(found);
    return found;
}

} // namespace

TEST_CASE("The YAML text writer changes one value and keeps every comment and other line", "[ui][settings]")
{
    const QByteArray original = ConfigLoader::defaultConfigText();
    const auto port = YamlTextEdit::setScalar(original, QStringLiteral("switchboard.port"), 4100);
    REQUIRE(port);
    QByteArray expected = original;
    expected.replace("  port: 4000\n", "  port: 4100\n");
    CHECK(*port == expected);

    // A missing key goes under its parent mapping, a missing parent at the end.
    const auto days = YamlTextEdit::setScalar(original, QStringLiteral("switchboard.usage_retention_days"), 30);
    REQUIRE(days);
    CHECK(days->endsWith("  port: 4000\n  usage_retention_days: 30\n"));
    CHECK(ConfigLoader::loadText(*days, QStringLiteral("c.yaml")).config.usageRetentionDays == 30);
    const auto nested = YamlTextEdit::setScalar(original, QStringLiteral("general_settings.master_key"),
                                                QStringLiteral("sk-local key"));
    REQUIRE(nested);
    CHECK(nested->endsWith("general_settings:\n  master_key: \"sk-local key\"\n"));

    // A list item's value, with the trailing comment of another line untouched.
    const auto base = YamlTextEdit::setScalar(original, QStringLiteral("model_list[0].litellm_params.api_base"),
                                              QStringLiteral("http://10.0.0.5:11434"));
    REQUIRE(base);
    const ConfigLoadResult loaded = ConfigLoader::loadText(*base, QStringLiteral("c.yaml"));
    REQUIRE(loaded.ok());
    CHECK(loaded.config.deployments.at(0).apiBase.toString() == QStringLiteral("http://10.0.0.5:11434"));
    CHECK(loaded.config.deployments.at(1).apiBase.toString() == QStringLiteral("http://127.0.0.1:11434"));
    CHECK(commentLines(*base) == commentLines(original));

    // Quoted values stay quoted; a key with a comment keeps it.
    const auto quoted = YamlTextEdit::setScalar("switchboard:\n  host: \"127.0.0.1\"   # loopback only\n",
                                                QStringLiteral("switchboard.host"), QStringLiteral("localhost"));
    REQUIRE(quoted);
    CHECK(*quoted == "switchboard:\n  host: \"localhost\"   # loopback only\n");

    // A value on a list item's dash line, and a file with CRLF line ends.
    const auto name =
        YamlTextEdit::setScalar(original, QStringLiteral("model_list[1].model_name"), QStringLiteral("claude-*-x"));
    REQUIRE(name);
    CHECK(name->contains("  - model_name: \"claude-*-x\"               # opus and sonnet: the main model\n"));
    const auto crlf = YamlTextEdit::setScalar("switchboard:\r\n  port: 4000\r\n  host: 127.0.0.1\r\n",
                                              QStringLiteral("switchboard.port"), 4001);
    REQUIRE(crlf);
    CHECK(*crlf == "switchboard:\r\n  port: 4001\r\n  host: 127.0.0.1\r\n");

    CHECK_FALSE(YamlTextEdit::setScalar(original, QStringLiteral("model_list[7].model_name"), 1));
    CHECK_FALSE(YamlTextEdit::setScalar(original, QStringLiteral("model_list"), 1));
}

TEST_CASE("The Settings page writes a changed port to the config and keeps its comments", "[ui][settings]")
{
    SettingsFixture fixture;
    SettingsController controller(fixture.setup());
    SettingsPage page(&controller);
    page.resize(800, 500);
    page.show();

    auto *port = child<QLineEdit>(page, "settings-port");
    CHECK(port->text() == QStringLiteral("4000"));
    CHECK(child<QLabel>(page, "settings-port-help")->text().contains(QStringLiteral("1 to 65535")));
    port->setText(QStringLiteral("4123"));
    child<QPushButton>(page, "settings-save")->click();
    auto *result = child<QLabel>(page, "settings-save-result");
    REQUIRE(waitUntil([&] { return result->text().contains(QStringLiteral("Saved")); }, 10000));

    const QByteArray written = readBytes(fixture.configPath());
    const ConfigLoadResult reread = ConfigLoader::loadFile(fixture.configPath());
    REQUIRE(reread.ok());
    CHECK(reread.config.port == 4123);
    CHECK(commentLines(written) == commentLines(fixture.originalText()));
    QByteArray expected = fixture.originalText();
    expected.replace("  port: 4000\n", "  port: 4123\n");
    CHECK(written == expected);
    CHECK(readBytes(fixture.configPath() + QStringLiteral(".bak")) == fixture.originalText());
    CHECK(port->text() == QStringLiteral("4123"));

    // The Ollama address is every Ollama deployment's api_base.
    child<QLineEdit>(page, "settings-ollama")->setText(QStringLiteral("http://192.168.1.20:11434"));
    child<QLineEdit>(page, "settings-retention")->setText(QStringLiteral("14"));
    child<QPushButton>(page, "settings-save")->click();
    REQUIRE(waitUntil([&] { return !controller.isSaving() && controller.configFields().at(3).value == "14"; }, 10000));
    const ConfigLoadResult again = ConfigLoader::loadFile(fixture.configPath());
    REQUIRE(again.ok());
    CHECK(again.config.usageRetentionDays == 14);
    for (const Deployment &deployment : again.config.deployments)
        CHECK(deployment.apiBase.toString() == QStringLiteral("http://192.168.1.20:11434"));
    CHECK(commentLines(readBytes(fixture.configPath())) == commentLines(fixture.originalText()));
}

namespace {
// Fails the second write it is asked for, after passing the first to the real writer.
class SecondWriteFails final : public SettingsConfigWriter
{
public:
    Expected<void, QString> setValue(const QString &configPath, const QString &keyPath, const QVariant &value) override
    {
        if (++m_calls == 2)
            return unexpected(QStringLiteral("disk full"));
        return SettingsSchemaWriter().setValue(configPath, keyPath, value);
    }

private:
    int m_calls = 0;
};
} // namespace

TEST_CASE("A Save of several fields keeps the file before it as the backup, or puts it back when a write fails",
          "[ui][settings]")
{
    SettingsFixture fixture;
    {
        SettingsController controller(fixture.setup());
        SettingsPage page(&controller);
        child<QLineEdit>(page, "settings-port")->setText(QStringLiteral("4200"));
        child<QLineEdit>(page, "settings-retention")->setText(QStringLiteral("7"));
        child<QPushButton>(page, "settings-save")->click();
        REQUIRE(waitUntil([&] { return !controller.isSaving(); }, 10000));
        const ConfigLoadResult saved = ConfigLoader::loadFile(fixture.configPath());
        CHECK(saved.config.port == 4200);
        CHECK(saved.config.usageRetentionDays == 7);
        CHECK(readBytes(fixture.configPath() + QStringLiteral(".bak")) == fixture.originalText());
    }
    writeBytes(fixture.configPath(), fixture.originalText());
    SettingsSetup setup = fixture.setup();
    setup.writer = std::make_shared<SecondWriteFails>();
    SettingsController controller(setup);
    SettingsPage page(&controller);
    child<QLineEdit>(page, "settings-port")->setText(QStringLiteral("4300"));
    child<QLineEdit>(page, "settings-retention")->setText(QStringLiteral("8"));
    child<QPushButton>(page, "settings-save")->click();
    auto *result = child<QLabel>(page, "settings-save-result");
    REQUIRE(waitUntil([&] { return result->text().contains(QStringLiteral("disk full")); }, 10000));
    CHECK(result->text().contains(QStringLiteral("Nothing was changed")));
    CHECK(readBytes(fixture.configPath()) == fixture.originalText());
    CHECK(child<QLineEdit>(page, "settings-port")->text() == QStringLiteral("4300")); // kept for another try
}

TEST_CASE("The Settings page refuses an invalid port and writes nothing", "[ui][settings]")
{
    SettingsFixture fixture;
    SettingsController controller(fixture.setup());
    SettingsPage page(&controller);
    page.show();
    child<QLineEdit>(page, "settings-port")->setText(QStringLiteral("70000"));
    child<QLineEdit>(page, "settings-retention")->setText(QStringLiteral("30")); // valid, still not written
    child<QPushButton>(page, "settings-save")->click();
    auto *error = child<QLabel>(page, "settings-port-error");
    CHECK_FALSE(error->isHidden());
    CHECK(error->text().contains(QStringLiteral("1 to 65535")));
    CHECK(child<QLabel>(page, "settings-save-result")->text().contains(QStringLiteral("Nothing was written")));
    CHECK_FALSE(controller.isSaving());
    CHECK(readBytes(fixture.configPath()) == fixture.originalText());
    CHECK_FALSE(QFile::exists(fixture.configPath() + QStringLiteral(".bak")));

    CHECK_FALSE(SettingsController::validate(QStringLiteral("port"), QStringLiteral("4x"), {}));
    CHECK_FALSE(SettingsController::validate(QStringLiteral("retention"), QStringLiteral("-1"), {}));
    CHECK_FALSE(SettingsController::validate(QStringLiteral("host"), QStringLiteral("0.0.0.0"), {}));
    CHECK_FALSE(SettingsController::validate(QStringLiteral("ollama"), QStringLiteral("127.0.0.1:11434"), {}));
    GatewayConfig withKey;
    withKey.masterKey = QStringLiteral("sk-x");
    CHECK(SettingsController::validate(QStringLiteral("host"), QStringLiteral("0.0.0.0"), withKey));
    CHECK(*SettingsController::validate(QStringLiteral("port"), QStringLiteral(" 4001 "), {}) == QVariant(4001));
}

TEST_CASE("Start at login creates and removes the XDG autostart entry", "[ui][settings]")
{
    SettingsFixture fixture;
    QTemporaryDir xdg;
    REQUIRE(xdg.isValid());
    const ScopedEnvironment environment("XDG_CONFIG_HOME", xdg.path().toUtf8());
    SettingsController controller(fixture.setup());
    SettingsPage page(&controller);
    page.show();
    const QString entry = xdg.filePath(QStringLiteral("autostart/switchboard.desktop"));
    CHECK(controller.loginStartLocation() == entry);
    auto *box = child<QCheckBox>(page, "settings-login-start");
    CHECK_FALSE(box->isChecked());
    box->click();
    REQUIRE(QFile::exists(entry));
    const QByteArray text = readBytes(entry);
    CHECK(text.startsWith("[Desktop Entry]\n"));
    CHECK(text.contains("\nExec=\"/opt/Switch board/switchboard\"\n"));
    CHECK(text.contains("\nType=Application\n"));
    CHECK(controller.startsAtLogin());
    box->click();
    CHECK_FALSE(QFile::exists(entry));
    CHECK_FALSE(box->isChecked());

    const QByteArray plist =
        LoginStart(QStringLiteral("/Applications/Switchboard.app/Contents/MacOS/switchboard")).launchAgentPlist();
    CHECK(plist.contains("<string>/Applications/Switchboard.app/Contents/MacOS/switchboard</string>"));
    CHECK(plist.contains("<key>RunAtLoad</key>\n  <true/>"));

    // Exec quoting follows the Desktop Entry spec.
    CHECK(LoginStart(QStringLiteral("/usr/bin/switchboard"), {QStringLiteral("--config"), QStringLiteral("/a b/$c%")})
              .desktopEntry()
              .contains("\nExec=/usr/bin/switchboard --config \"/a b/\\$c%%\"\n"));
}

TEST_CASE("Tray options are kept in QSettings and the token can be shown, copied and regenerated", "[ui][settings]")
{
    SettingsFixture fixture;
    SettingsController controller(fixture.setup());
    SettingsPage page(&controller);
    page.show();

    auto *minimised = child<QCheckBox>(page, "settings-start-minimised");
    auto *closeToTray = child<QCheckBox>(page, "settings-close-to-tray");
    CHECK_FALSE(minimised->isChecked());
    CHECK(closeToTray->isChecked());
    minimised->click();
    closeToTray->click();
    {
        QSettings stored(fixture.path(QStringLiteral("desktop.ini")), QSettings::IniFormat);
        CHECK(stored.value(SettingsController::startMinimisedKey()).toBool());
        CHECK_FALSE(stored.value(SettingsController::closeToTrayKey()).toBool());
    }

    auto *token = child<QLineEdit>(page, "settings-token");
    REQUIRE(waitUntil([&] { return !token->text().isEmpty(); }, 10000));
    const QString first = token->text();
    CHECK(first.startsWith(QStringLiteral("sb-")));
    CHECK(token->echoMode() == QLineEdit::Password);
    child<QPushButton>(page, "settings-token-show")->click();
    CHECK(token->echoMode() == QLineEdit::Normal);

    auto *confirm = child<QWidget>(page, "settings-token-confirm");
    child<QPushButton>(page, "settings-token-regenerate")->click();
    CHECK_FALSE(confirm->isHidden());
    QString announced;
    QObject::connect(&controller, &SettingsController::tokenRegenerated, &controller,
                     [&announced](const QString &value) { announced = value; });
    child<QPushButton>(page, "settings-token-confirm-yes")->click();
    REQUIRE(waitUntil([&] { return token->text() != first; }, 10000));
    CHECK(announced == token->text());
    CHECK(child<QLabel>(page, "settings-token-note")->text().contains(QStringLiteral("restarts")));
    SecretStore store(fixture.path(QStringLiteral("secrets")), SecretStore::Backend::FileOnly);
    CHECK(store.read(SecretStore::gatewayTokenName()).value_or(QString()) == token->text());
}
