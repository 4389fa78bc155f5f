// The Providers & keys page against a file-backed secret store in a temporary folder and the
// fake upstreams: keys stored and shown masked, Test in words (works, refused, unreachable),
// Remove, and "Use for deployments" writing only keychain/ references into the config.
#include "pages/ProvidersPage.h"
#include "FakeAnthropic.h"
#include "FakeOpenAi.h"
#include "LookAt.h"
#include "TestWait.h"
#include "config/ConfigLoader.h"
#include "controllers/ProvidersController.h"
#include "models/ProviderKeysModel.h"
#include "secrets/SecretStore.h"

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMutex>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace sb;
using namespace sb::test;

namespace {

const QString kAnthropicKey = QStringLiteral("sk-ant-api03-Zq8vTn3LwR5yKp0sXe7HbM2c-x7Qa");
const QString kOpenAiKey = QStringLiteral("sk-proj-4hGf9KdLm2NpQr7StUv1WxYz3aBc");
const QString kPlainKey = QStringLiteral("sk-ant-api03-PLAINTEXTPLAINTEXT-0123");

// Everything logged while it lives (every category, every level).
struct LogCapture
{
    static inline QMutex mutex;
    static inline QStringList lines;
    QtMessageHandler previous;

    LogCapture()
    {
        lines.clear();
        previous = qInstallMessageHandler([](QtMsgType, const QMessageLogContext &context, const QString &text) {
            QMutexLocker lock(&mutex);
            lines.append(QString::fromLatin1(context.category ? context.category : "") + QLatin1Char(' ') + text);
        });
        // Debug output of every category too, so nothing that might carry a key is filtered out.
        QLoggingCategory::setFilterRules(QStringLiteral("*.debug=true"));
    }
    ~LogCapture()
    {
        QLoggingCategory::setFilterRules(QString());
        qInstallMessageHandler(previous);
    }
    QString all() const
    {
        QMutexLocker lock(&mutex);
        return lines.join(QLatin1Char('\n'));
    }
};

QString providerAt(const QString &host, quint16 port, const QString &prefix)
{
    return prefix + QLatin1Char('@') + host + QLatin1Char(':') + QString::number(port);
}

// A config with two Anthropic deployments at `anthropicBase` (one with a plain key written in
// the file), an Ollama one, and an OpenAI one at `openAiBase` naming an unset variable; a
// comment and a key Switchboard does not know, to be kept byte for byte.
QByteArray configText(const QString &anthropicBase, const QString &openAiBase)
{
    return QStringLiteral("# Providers for the tests: this comment stays.\n"
                          "model_list:\n"
                          "  - model_name: claude-sonnet-4-5\n"
                          "    litellm_params:\n"
                          "      model: anthropic/claude-sonnet-4-5\n"
                          "      api_base: %1\n"
                          "      api_key: %3\n"
                          "  - model_name: claude-haiku-4-5\n"
                          "    litellm_params:\n"
                          "      model: anthropic/claude-haiku-4-5\n"
                          "      api_base: %1\n"
                          "  - model_name: local\n"
                          "    litellm_params:\n"
                          "      model: ollama/qwen2.5-coder:7b\n"
                          "      api_base: http://127.0.0.1:11434\n"
                          "      num_ctx: 32768\n"
                          "  - model_name: gpt-4o-mini\n"
                          "    litellm_params:\n"
                          "      model: openai/gpt-4o-mini\n"
                          "      api_base: %2\n"
                          "      api_key: os.environ/SB_PROVIDERS_TEST_UNSET\n"
                          "my_own_notes:   {kept: 'as written'}\n")
        .arg(anthropicBase, openAiBase, kPlainKey)
        .toUtf8();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct Fixture
{
    QTemporaryDir dir;
    FakeAnthropic anthropic;
    FakeOpenAi openai;
    QString configPath;
    QString secretsDir;
    std::unique_ptr<ProvidersController> controller;

    Fixture()
    {
        REQUIRE(dir.isValid());
        configPath = dir.filePath(QStringLiteral("config.yaml"));
        secretsDir = dir.filePath(QStringLiteral("secrets"));
        QFile file(configPath);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(configText(anthropic.baseUrl(), openai.apiBase()));
        file.close();
        const ConfigLoadResult loaded = ConfigLoader::loadFile(configPath);
        REQUIRE(loaded.ok());
        ProvidersSetup setup;
        setup.configPath = configPath;
        setup.secretsDir = secretsDir;
        setup.config = loaded.config;
        setup.backend = SecretStore::Backend::FileOnly;
        setup.testTimeoutMs = 3000;
        controller = std::make_unique<ProvidersController>(setup);
        REQUIRE(waitUntil([&] { return controller->storageKnown(); }));
    }

    QString anthropicProvider() const
    {
        return providerAt(QStringLiteral("127.0.0.1"), anthropic.port(), QStringLiteral("anthropic"));
    }
    QString openAiProvider() const
    {
        return providerAt(QStringLiteral("127.0.0.1"), openai.port(), QStringLiteral("openai"));
    }
    std::optional<QString> stored(const QString &provider) const
    {
        return SecretStore(secretsDir, SecretStore::Backend::FileOnly)
            .read(ProvidersController::secretNameFor(provider));
    }
    QString status(const QString &provider) const
    {
        const int row = controller->indexOf(provider);
        return row >= 0 ? controller->providers().at(row).status : QString();
    }
    bool busy(const QString &provider) const
    {
        const int row = controller->indexOf(provider);
        return row >= 0 && controller->providers().at(row).busy;
    }
    // Stores `key` and waits until the rows say so.
    void storeKey(const QString &provider, const QString &key)
    {
        QSignalSpy saved(controller.get(), &ProvidersController::keySaved);
        controller->setKey(provider, key);
        REQUIRE(waitUntil([&] { return saved.count() == 1; }));
    }
};

// Every cell's text and tooltip of a model.
QString everyCell(const QAbstractItemModel &model)
{
    QStringList cells;
    for (int row = 0; row < model.rowCount(); ++row) {
        for (int column = 0; column < model.columnCount(); ++column) {
            const QModelIndex index = model.index(row, column);
            cells << index.data(Qt::DisplayRole).toString() << index.data(Qt::ToolTipRole).toString();
        }
    }
    return cells.join(QLatin1Char('\n'));
}

} // namespace

TEST_CASE("a key set on the page is stored and shown masked only")
{
    Fixture fixture;
    LogCapture log;
    ProvidersPage page(fixture.controller.get());
    page.show();
    auto *table = page.findChild<QTableView *>(QStringLiteral("providers-table"));
    auto *deployments = page.findChild<QTableView *>(QStringLiteral("providers-deployments"));
    auto *edit = page.findChild<QLineEdit *>(QStringLiteral("providers-key-edit"));
    auto *save = page.findChild<QPushButton *>(QStringLiteral("providers-save"));
    auto *storage = page.findChild<QLabel *>(QStringLiteral("providers-storage"));
    REQUIRE(table);
    REQUIRE(deployments);
    REQUIRE(edit);
    REQUIRE(save);
    REQUIRE(storage);
    CHECK(edit->echoMode() == QLineEdit::Password);
    // The file backend says where the file is.
    REQUIRE(waitUntil([&] { return storage->text().contains(QStringLiteral("secrets.json")); }));
    CHECK(storage->text().contains(QStringLiteral("0600")));
    CHECK(storage->text().contains(fixture.secretsDir.toHtmlEscaped()));

    // Anthropic and OpenAI are always there, then the providers the config uses; not Ollama.
    const QAbstractItemModel &model = *table->model();
    REQUIRE(model.rowCount() == 4);
    CHECK(model.index(0, ProviderKeysModel::Name).data().toString() == QStringLiteral("Anthropic"));
    CHECK(model.index(1, ProviderKeysModel::Name).data().toString() == QStringLiteral("OpenAI"));
    CHECK(model.index(2, 0).data(ProviderKeysModel::ProviderRole).toString() == fixture.anthropicProvider());
    CHECK(model.index(2, ProviderKeysModel::Deployments).data().toString() == QStringLiteral("2"));
    CHECK(model.index(3, 0).data(ProviderKeysModel::ProviderRole).toString() == fixture.openAiProvider());

    page.selectProvider(QStringLiteral("anthropic"));
    CHECK(model.index(0, ProviderKeysModel::Key).data().toString() == QStringLiteral("not set"));
    CHECK(!save->isEnabled());
    edit->setText(kAnthropicKey);
    REQUIRE(save->isEnabled());
    save->click();
    CHECK(edit->text().isEmpty());
    REQUIRE(waitUntil([&] { return fixture.stored(QStringLiteral("anthropic")) == kAnthropicKey; }));
    REQUIRE(waitUntil(
        [&] { return model.index(0, ProviderKeysModel::Key).data().toString() != QStringLiteral("not set"); }));
    CHECK(model.index(0, ProviderKeysModel::Key).data().toString() == QStringLiteral("sk-ant-…x7Qa"));
    CHECK(save->text() == QStringLiteral("Replace key"));
    CHECK(!everyCell(model).contains(kAnthropicKey));

    // The plain key of the file is shown masked too, with the warning.
    page.selectProvider(fixture.anthropicProvider());
    const QString cells = everyCell(*deployments->model());
    CHECK(cells.contains(QStringLiteral("plain text")));
    CHECK(cells.contains(QStringLiteral("sk-ant-…0123")));
    CHECK(!cells.contains(kPlainKey));
    CHECK(deployments->model()
              ->index(0, ProviderDeploymentsModel::KeyFrom)
              .data(ProviderDeploymentsModel::WarningRole)
              .toBool());
    CHECK(!deployments->model()->index(0, ProviderDeploymentsModel::KeyFrom).data().toString().isEmpty());
    auto *warning = page.findChild<QLabel *>(QStringLiteral("providers-plaintext-warning"));
    REQUIRE(warning);
    CHECK(warning->isVisibleTo(&page));
    // The OpenAI deployment names a variable that is not set, and says so.
    page.selectProvider(fixture.openAiProvider());
    CHECK(deployments->model()->index(0, ProviderDeploymentsModel::KeyFrom).data().toString() ==
          QStringLiteral("environment variable SB_PROVIDERS_TEST_UNSET — not set"));
    CHECK(!log.all().contains(kAnthropicKey));
    lookAt(page, "providers-keys");
    if (!qEnvironmentVariableIsEmpty("SB_SHOT_DIR")) {
        page.selectProvider(fixture.anthropicProvider());
        page.resize(800 - 180, 500 - 60); // the window at 800×500 less its sidebar and status bar
        QCoreApplication::processEvents();
        page.grab().save(qEnvironmentVariable("SB_SHOT_DIR") + QStringLiteral("/providers-small.png"));
    }
}

TEST_CASE("masked keys show a start and the last four characters, never much of the key")
{
    CHECK(ProvidersController::maskKey(kAnthropicKey) == QStringLiteral("sk-ant-…x7Qa"));
    CHECK(ProvidersController::maskKey(kOpenAiKey) == QStringLiteral("sk-proj-…3aBc"));
    CHECK(ProvidersController::maskKey(QStringLiteral("gsk_abcdefghijklmnopqrstuvwx")) == QStringLiteral("gsk_…uvwx"));
    CHECK(ProvidersController::maskKey(QStringLiteral("short-key")) == QStringLiteral("…"));
    // A long marker on a shortish key would give too much away: only the end then.
    CHECK(ProvidersController::maskKey(QStringLiteral("abcdefgh-ijklmno-0123")) == QStringLiteral("…0123"));
}

TEST_CASE("Use for deployments writes keychain references, keeps the rest of the file and never the key")
{
    Fixture fixture;
    LogCapture log;
    ProvidersPage page(fixture.controller.get());
    page.show();
    const QString provider = fixture.anthropicProvider();
    fixture.storeKey(provider, kAnthropicKey);
    page.selectProvider(provider);
    auto *use = page.findChild<QPushButton *>(QStringLiteral("providers-use"));
    REQUIRE(use);
    // Both Anthropic deployments: one has a plain key, the other none.
    REQUIRE(use->isVisibleTo(&page));
    CHECK(use->text() == QStringLiteral("Use for 2 deployment(s)"));
    CHECK(fixture.status(provider).contains(QStringLiteral("2 deployment(s)")));

    const QByteArray before = readFile(fixture.configPath);
    QSignalSpy pointed(fixture.controller.get(), &ProvidersController::deploymentsPointed);
    use->click();
    REQUIRE(waitUntil([&] { return pointed.count() == 1; }));
    CHECK(pointed.at(0).at(1).toInt() == 2);
    CHECK(pointed.at(0).at(2).toString().isEmpty());

    const QByteArray after = readFile(fixture.configPath);
    const QByteArray reference = ("keychain/" + ProvidersController::secretNameFor(provider)).toUtf8();
    CHECK(after.count(reference) == 2);
    CHECK(!after.contains(kAnthropicKey.toUtf8()));
    CHECK(!after.contains(kPlainKey.toUtf8())); // replaced by the reference
    CHECK(after.contains("# Providers for the tests: this comment stays.\n"));
    CHECK(after.contains("my_own_notes:   {kept: 'as written'}\n"));
    // The OpenAI deployment's reference is not touched.
    CHECK(after.contains("      api_key: os.environ/SB_PROVIDERS_TEST_UNSET\n"));
    // One write: the backup is the file exactly as it was, and the page says it still holds
    // the plain key.
    CHECK(readFile(fixture.configPath + QStringLiteral(".bak")) == before);
    CHECK(fixture.status(provider).contains(QStringLiteral("still holds the key in plain text")));
    CHECK(fixture.status(provider).contains(fixture.configPath + QStringLiteral(".bak")));
    // What changed is only the api_key lines: the rest is byte for byte.
    QList<QByteArray> beforeLines = before.split('\n');
    QList<QByteArray> afterLines = after.split('\n');
    beforeLines.removeIf([](const QByteArray &line) { return line.contains("api_key"); });
    afterLines.removeIf([](const QByteArray &line) { return line.contains("api_key"); });
    CHECK(beforeLines == afterLines);
    // The file still loads, and the gateway would find the key through the reference.
    const ConfigLoadResult reloaded = ConfigLoader::loadFile(fixture.configPath, [&](const QString &name) {
        return SecretStore(fixture.secretsDir, SecretStore::Backend::FileOnly).read(name);
    });
    REQUIRE(reloaded.ok());
    REQUIRE(reloaded.config.deployments.size() == 4);
    CHECK(reloaded.config.deployments[0].apiKey == kAnthropicKey);
    CHECK(reloaded.config.deployments[1].apiKey == kAnthropicKey);

    // Afterwards the rows say so and nothing is left to point.
    fixture.controller->setConfig(reloaded.config);
    REQUIRE(waitUntil([&] { return !use->isVisibleTo(&page); }));
    auto *deployments = page.findChild<QTableView *>(QStringLiteral("providers-deployments"));
    CHECK(deployments->model()
              ->index(0, ProviderDeploymentsModel::KeyFrom)
              .data()
              .toString()
              .contains(QStringLiteral("(stored)")));
    auto *warning = page.findChild<QLabel *>(QStringLiteral("providers-plaintext-warning"));
    CHECK(!warning->isVisibleTo(&page));

    const QString logged = log.all();
    CHECK(!logged.isEmpty()); // the capture works: the file store announces itself
    CHECK(!logged.contains(kAnthropicKey));
    CHECK(!logged.contains(kPlainKey));
}

TEST_CASE("Test says whether the upstream took the key, in words")
{
    Fixture fixture;
    ProvidersPage page(fixture.controller.get());
    page.show();
    auto *test = page.findChild<QPushButton *>(QStringLiteral("providers-test"));
    auto *message = page.findChild<QLabel *>(QStringLiteral("providers-message"));
    REQUIRE(test);
    REQUIRE(message);
    const QString anthropic = fixture.anthropicProvider();

    SECTION("a key the upstream accepts works")
    {
        fixture.anthropic.setApiKey(kAnthropicKey);
        fixture.storeKey(anthropic, kAnthropicKey);
        page.selectProvider(anthropic);
        REQUIRE(test->isEnabled());
        test->click();
        REQUIRE(waitUntil([&] { return !fixture.busy(anthropic); }));
        CHECK(fixture.status(anthropic) == QStringLiteral("Works: 2 model(s)."));
        CHECK(message->text() == fixture.status(anthropic));
        const QList<RecordedRequest> asked = fixture.anthropic.server().requests("/v1/models");
        REQUIRE(asked.size() == 1);
        CHECK(asked.first().method == "GET");
        CHECK(asked.first().header("x-api-key") == kAnthropicKey.toUtf8());
        CHECK(asked.first().header("anthropic-version") == "2023-06-01");

        const QString openai = fixture.openAiProvider();
        fixture.openai.setApiKey(kOpenAiKey);
        fixture.storeKey(openai, kOpenAiKey);
        fixture.controller->test(openai);
        REQUIRE(waitUntil([&] { return fixture.status(openai).startsWith(QStringLiteral("Works")); }));
        CHECK(fixture.status(openai) == QStringLiteral("Works: 2 model(s)."));
        const QList<RecordedRequest> listed = fixture.openai.server().requests("/v1/models");
        REQUIRE(listed.size() == 1);
        CHECK(listed.first().header("authorization") == "Bearer " + kOpenAiKey.toUtf8());
    }
    SECTION("a refused key says it was refused, with the upstream's words")
    {
        fixture.anthropic.setApiKey(QStringLiteral("the-right-key-is-another-one"));
        fixture.storeKey(anthropic, kAnthropicKey);
        page.selectProvider(anthropic);
        test->click();
        REQUIRE(waitUntil([&] { return !fixture.busy(anthropic); }));
        CHECK(fixture.status(anthropic) == QStringLiteral("The key was refused (HTTP 401): invalid x-api-key"));
        CHECK(message->styleSheet().contains(QStringLiteral("#b3261e")));
        lookAt(page, "providers-refused");
    }
    SECTION("an upstream that does not answer says so")
    {
        fixture.storeKey(anthropic, kAnthropicKey);
        const quint16 port = fixture.anthropic.port();
        fixture.anthropic.refuse();
        fixture.controller->test(anthropic);
        REQUIRE(waitUntil([&] { return !fixture.busy(anthropic); }));
        CHECK(fixture.status(anthropic) ==
              QStringLiteral("Nothing answers at 127.0.0.1:%1 (connection refused).").arg(port));
    }
}

TEST_CASE("Remove asks first, then deletes the key from the store")
{
    Fixture fixture;
    ProvidersPage page(fixture.controller.get());
    page.show();
    fixture.storeKey(QStringLiteral("openai"), kOpenAiKey);
    page.selectProvider(QStringLiteral("openai"));
    auto *remove = page.findChild<QPushButton *>(QStringLiteral("providers-remove"));
    REQUIRE(remove);
    REQUIRE(remove->isEnabled());
    QString asked;
    bool answer = false;
    page.setConfirm([&](const QString &question) {
        asked = question;
        return answer;
    });
    remove->click();
    CHECK(asked.contains(QStringLiteral("sk-proj-…3aBc")));
    CHECK(!asked.contains(kOpenAiKey));
    // Declined: still there.
    CHECK(!fixture.busy(QStringLiteral("openai")));
    CHECK(fixture.stored(QStringLiteral("openai")) == kOpenAiKey);

    answer = true;
    remove->click();
    REQUIRE(waitUntil([&] { return !fixture.stored(QStringLiteral("openai")).has_value(); }));
    const QAbstractItemModel &model = *page.model();
    REQUIRE(waitUntil(
        [&] { return model.index(1, ProviderKeysModel::Key).data().toString() == QStringLiteral("not set"); }));
    CHECK(fixture.status(QStringLiteral("openai")) == QStringLiteral("Key removed."));
    CHECK(!remove->isEnabled());
}

TEST_CASE("the providers' table models pass QAbstractItemModelTester through refreshes")
{
    Fixture fixture;
    ProvidersPage page(fixture.controller.get());
    auto *deployments = page.findChild<QTableView *>(QStringLiteral("providers-deployments"));
    REQUIRE(deployments);
    QAbstractItemModelTester keysTester(page.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester deploymentsTester(deployments->model(),
                                               QAbstractItemModelTester::FailureReportingMode::Fatal);
    page.selectProvider(fixture.anthropicProvider());
    REQUIRE(deployments->model()->rowCount() == 2);
    fixture.storeKey(fixture.anthropicProvider(), kAnthropicKey);
    page.selectProvider(QStringLiteral("openai"));
    CHECK(deployments->model()->rowCount() == 0);
    // Read-only: setData refuses, flags allow no editing.
    const QModelIndex cell = page.model()->index(0, ProviderKeysModel::Key);
    CHECK(!page.model()->setData(cell, QStringLiteral("typed over")));
    CHECK(!(page.model()->flags(cell) & Qt::ItemIsEditable));
    CHECK(page.model()->index(0, ProviderKeysModel::Key).data().toString() != QStringLiteral("typed over"));
}
