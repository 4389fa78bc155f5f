// The Mappings page: the table checks values against the config schema and undoes edits; Apply
// writes the file as text edits that the running gateway picks up (a request then goes to the
// new upstream), keeping the file's comments and unknown keys; the resolver and Test answer
// from the router and the running gateway.
#include "pages/MappingsPage.h"
#include "FakeOllama.h"
#include "LookAt.h"
#include "TestWait.h"
#include "UiTestSupport.h"
#include "config/ConfigEditor.h"
#include "config/ConfigLoader.h"
#include "controllers/GatewayController.h"
#include "controllers/MappingsController.h"
#include "controllers/ModelsController.h"
#include "models/MappingTableModel.h"
#include "ollama/OllamaClient.h"

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace sb;
using namespace sb::test;

namespace {

QByteArray configFor(const QString &base)
{
    return QStringLiteral("# my mappings\n"
                          "model_list:\n"
                          "  - model_name: \"claude-*\"   # everything Claude Code asks for\n"
                          "    litellm_params:\n"
                          "      model: ollama/qwen2.5-coder:7b\n"
                          "      api_base: %1\n"
                          "    my_note: keep me\n"
                          "switchboard:\n"
                          "  usage_enabled: false\n"
                          "x_unknown_section: {a: 1}   # not Switchboard's\n")
        .arg(base)
        .toUtf8();
}

MappingRow row(const QString &name, const QString &model)
{
    MappingRow r;
    r.values.insert(QStringLiteral("model_name"), name);
    r.values.insert(QStringLiteral("litellm_params.model"), model);
    return r;
}

} // namespace

TEST_CASE("the mappings table takes what the schema allows, says why it refuses, and undoes")
{
    MappingTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    MappingRow first = row(QStringLiteral("claude-*"), QStringLiteral("ollama/qwen2.5-coder:7b"));
    first.source = 0;
    first.values.insert(QStringLiteral("litellm_params.api_key"), QStringLiteral("sk-live-secret-1234"));
    model.reset({first});
    REQUIRE(model.rowCount() == 1);
    CHECK(model.index(0, MappingTableModel::Provider).data().toString() == QStringLiteral("ollama"));
    CHECK(model.index(0, MappingTableModel::UpstreamModel).data().toString() == QStringLiteral("qwen2.5-coder:7b"));
    // A key written in the file is never shown or handed to an editor.
    for (int role : {int(Qt::DisplayRole), int(Qt::EditRole), int(Qt::ToolTipRole)})
        CHECK_FALSE(model.index(0, MappingTableModel::ApiKey).data(role).toString().contains(QStringLiteral("secret")));

    // Refused, with the schema's words, and nothing to undo.
    CHECK_FALSE(model.setData(model.index(0, MappingTableModel::Context), QStringLiteral("-5")));
    CHECK(model.lastError().contains(QStringLiteral("num_ctx")));
    CHECK_FALSE(model.setData(model.index(0, MappingTableModel::Context), QStringLiteral("lots")));
    CHECK(model.lastError().contains(QStringLiteral("whole number")));
    CHECK_FALSE(model.setData(model.index(0, MappingTableModel::ApiKey), QStringLiteral("sk-another-key")));
    CHECK(model.lastError().contains(QStringLiteral("keychain/NAME")));
    CHECK_FALSE(model.setData(model.index(0, MappingTableModel::ApiBase), QStringLiteral("127.0.0.1:11434")));
    CHECK_FALSE(model.setData(model.index(0, MappingTableModel::Provider), QStringLiteral("nosuch")));
    CHECK_FALSE(model.setData(model.index(0, MappingTableModel::ModelName), QString()));
    CHECK_FALSE(model.setData(model.index(0, MappingTableModel::Result), QStringLiteral("x")));
    CHECK_FALSE(model.isModified());

    // Taken: typed as the schema says, undoable one by one.
    REQUIRE(model.setData(model.index(0, MappingTableModel::Context), QStringLiteral("65536")));
    CHECK(model.row(0).value(QStringLiteral("litellm_params.num_ctx")) == QVariant(qlonglong(65536)));
    REQUIRE(model.setData(model.index(0, MappingTableModel::Provider), QStringLiteral("lm_studio")));
    CHECK(model.row(0).value(QStringLiteral("litellm_params.model")).toString() ==
          QStringLiteral("lm_studio/qwen2.5-coder:7b"));
    REQUIRE(model.setData(model.index(0, MappingTableModel::ApiKey), QStringLiteral("keychain/provider-key/lm")));
    CHECK(model.isModified());
    model.duplicateRow(0);
    REQUIRE(model.rowCount() == 2);
    CHECK(model.row(1).source == -1);
    model.moveRowTo(1, 0);
    CHECK(model.row(0).source == -1);

    model.undoStack()->undo(); // the move
    model.undoStack()->undo(); // the duplicate
    CHECK(model.rowCount() == 1);
    model.undoStack()->undo(); // the key
    model.undoStack()->undo(); // the provider
    CHECK(model.row(0).value(QStringLiteral("litellm_params.model")).toString() ==
          QStringLiteral("ollama/qwen2.5-coder:7b"));
    model.undoStack()->undo(); // the context
    CHECK_FALSE(model.row(0).has(QStringLiteral("litellm_params.num_ctx")));
    CHECK_FALSE(model.isModified());
    model.undoStack()->redo();
    CHECK(model.row(0).value(QStringLiteral("litellm_params.num_ctx")).toLongLong() == 65536);
    // Emptying a value removes the key (its default applies).
    REQUIRE(model.setData(model.index(0, MappingTableModel::Context), QString()));
    CHECK_FALSE(model.row(0).has(QStringLiteral("litellm_params.num_ctx")));
}

TEST_CASE("Apply on the Mappings page moves the running gateway's traffic and keeps the file's comments")
{
    QTemporaryDir dir;
    isolateSettings(dir);
    FakeOllama first;
    FakeOllama second;
    first.setTurn(FakeTurn::withText(QStringLiteral("from the first")));
    second.setTurn(FakeTurn::withText(QStringLiteral("from the second")));
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    const QByteArray original = configFor(first.baseUrl());
    saveFile(path, original);
    GatewayController gateway(gatewaySetupFor(path));
    gateway.start();
    REQUIRE(waitUntil([&] { return gateway.state() == ProxyService::State::Running; }, 10000));

    MappingsController controller(path);
    controller.setGateway(gateway.baseUrl(), gateway.token());
    controller.setServing(gateway.config());
    MappingsPage page(&controller);
    page.resize(1100, 600);
    page.show();
    MappingTableModel *model = page.model();
    REQUIRE(waitUntil([&] { return model->rowCount() == 1; }));

    // The routing beside the table is the serving gateway's.
    auto *routing = page.findChild<QLabel *>(QStringLiteral("mappings-routing"));
    REQUIRE(routing);
    CHECK(routing->text().contains(QStringLiteral("Serving now with the <b>simple-shuffle</b> strategy.")));
    CHECK(routing->text().contains(QStringLiteral("Fallbacks: none")));
    GatewayConfig withRules = gateway.config();
    withRules.router.fallbacks.insert(QStringLiteral("claude-*"), {QStringLiteral("cloud")});
    ScenarioRule rule;
    rule.name = QStringLiteral("background");
    rule.requestClass = QStringLiteral("background");
    rule.group = QStringLiteral("claude-*haiku*");
    withRules.router.routes.push_back(rule);
    controller.setServing(withRules);
    CHECK(routing->text().contains(QStringLiteral("claude-* → cloud")));
    CHECK(routing->text().contains(QStringLiteral("background: request class background → claude-*haiku*")));
    controller.setServing(gateway.config());

    // The resolver answers from the router, under the edited rows.
    auto *resolution = page.findChild<QLabel *>(QStringLiteral("mappings-resolution"));
    REQUIRE(resolution);
    CHECK(resolution->text().contains(QStringLiteral("claude-*")));
    CHECK(resolution->text().contains(QStringLiteral("ollama/qwen2.5-coder:7b@")));
    page.findChild<QLineEdit *>(QStringLiteral("mappings-resolve-name"))->setText(QStringLiteral("gpt-4o"));
    CHECK(resolution->text().contains(QStringLiteral("No mapping serves gpt-4o")));

    // Test through the running gateway, before any edit.
    auto *test = page.findChild<QPushButton *>(QStringLiteral("mappings-test-0"));
    REQUIRE(test);
    test->click();
    REQUIRE(waitUntil(
        [&] { return model->index(0, MappingTableModel::Result).data().toString().startsWith(QStringLiteral("OK")); },
        10000));
    CHECK(model->index(0, MappingTableModel::Result).data().toString().contains(QStringLiteral("from the first")));
    CHECK(first.turnCount() == 1);

    // Edit: the deployment moves to the second upstream; a new mapping is added for haiku.
    auto *apply = page.findChild<QPushButton *>(QStringLiteral("mappings-apply"));
    CHECK_FALSE(apply->isEnabled());
    REQUIRE(model->setData(model->index(0, MappingTableModel::ApiBase), second.baseUrl()));
    MappingRow haiku = row(QStringLiteral("claude-*haiku*"), QStringLiteral("ollama/qwen2.5-coder:1.5b"));
    haiku.values.insert(QStringLiteral("litellm_params.api_base"), second.baseUrl());
    model->addRow(haiku);
    page.findChild<QLineEdit *>(QStringLiteral("mappings-resolve-name"))->setText(QStringLiteral("claude-haiku-4-5"));
    CHECK(resolution->text().contains(QStringLiteral("claude-*haiku*")));
    // The strategy is edited with the rows: from the schema's names, undoable, refused when unknown.
    auto *strategy = page.findChild<QComboBox *>(QStringLiteral("mappings-strategy"));
    REQUIRE(strategy);
    CHECK(strategy->currentText() == QStringLiteral("simple-shuffle"));
    CHECK(strategy->count() == 6);
    Q_EMIT strategy->activated(strategy->findText(QStringLiteral("least-busy")));
    CHECK(model->strategy() == QStringLiteral("least-busy"));
    model->undoStack()->undo();
    CHECK(strategy->currentText() == QStringLiteral("simple-shuffle"));
    model->undoStack()->redo();
    CHECK(strategy->currentText() == QStringLiteral("least-busy"));
    CHECK_FALSE(model->setStrategy(QStringLiteral("fastest-first")));
    CHECK(model->lastError().contains(QStringLiteral("not a routing strategy")));
    CHECK(model->strategy() == QStringLiteral("least-busy"));
    REQUIRE(apply->isEnabled());
    QSignalSpy changes(&gateway, &GatewayController::configChanged);
    apply->click();
    REQUIRE(waitUntil([&] { return changes.count() >= 1; }, 10000));
    CHECK_FALSE(model->isModified());

    const QByteArray saved = readFile(path);
    CHECK(saved.startsWith(
        "# my mappings\nmodel_list:\n  - model_name: \"claude-*\"   # everything Claude Code asks for\n"));
    CHECK(saved.contains("    my_note: keep me\n"));
    CHECK(saved.contains("x_unknown_section: {a: 1}   # not Switchboard's\n"));
    CHECK(saved.contains("      api_base: " + second.baseUrl().toUtf8() + "\n"));
    CHECK(saved.contains("  - model_name: \"claude-*haiku*\"\n"));
    CHECK(saved.contains("router_settings:\n  routing_strategy: least-busy\n"));
    CHECK(readFile(ConfigEditor::backupPath(path)) == original);
    CHECK(gateway.config().router.routingStrategy == QStringLiteral("least-busy"));
    controller.setServing(gateway.config()); // as the app does on configChanged
    CHECK(routing->text().contains(QStringLiteral("Serving now with the <b>least-busy</b> strategy.")));

    const int before = second.turnCount();
    CHECK(postMessage(gateway.baseUrl(), QStringLiteral("sb-test"), QStringLiteral("claude-sonnet-4-5")) == 200);
    CHECK(second.turnCount() == before + 1);
    CHECK(first.turnCount() == 1);

    // The file changed behind the page's back: Apply refuses rather than undo that change.
    saveFile(path, saved + "# edited by hand\n");
    REQUIRE(model->setData(model->index(0, MappingTableModel::Context), QStringLiteral("16384")));
    apply->click();
    auto *message = page.findChild<QLabel *>(QStringLiteral("mappings-message"));
    REQUIRE(waitUntil([&] { return message->text().startsWith(QStringLiteral("Not applied")); }));
    CHECK(message->text().contains(QStringLiteral("changed since it was read")));
    CHECK(readFile(path).endsWith("# edited by hand\n"));
    lookAt(page, "mappings");
}

TEST_CASE("a mapping not applied yet, or a failing upstream, is tested in words")
{
    QTemporaryDir dir;
    isolateSettings(dir);
    FakeOllama ollama;
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    saveFile(path, configFor(ollama.baseUrl()));
    GatewayController gateway(gatewaySetupFor(path));
    gateway.start();
    REQUIRE(waitUntil([&] { return gateway.state() == ProxyService::State::Running; }, 10000));
    MappingsController controller(path);
    controller.setGateway(gateway.baseUrl(), gateway.token());
    controller.setServing(gateway.config());
    QSignalSpy results(&controller, &MappingsController::testFinished);

    MappingRow added = row(QStringLiteral("x"), QStringLiteral("ollama/y"));
    controller.test(3, added);
    REQUIRE(results.count() == 1);
    CHECK(results.at(0).at(0).toInt() == 3);
    CHECK(results.at(0).at(1).toString().contains(QStringLiteral("Apply first")));
    CHECK(results.at(0).at(2).toBool());

    MappingRow serving = row(QStringLiteral("claude-*"), QStringLiteral("ollama/qwen2.5-coder:7b"));
    serving.source = 0;
    serving.values.insert(QStringLiteral("litellm_params.api_base"), ollama.baseUrl());
    ollama.failNext(404, 1, -1, QStringLiteral("model 'qwen2.5-coder:7b' not found"));
    controller.test(0, serving);
    REQUIRE(waitUntil([&] { return results.count() == 2; }, 10000));
    CHECK(results.at(1).at(2).toBool());
    CHECK(results.at(1).at(1).toString().contains(QStringLiteral("not found")));
}

TEST_CASE("Detect local servers lists what answers, and Add makes a mapping of it")
{
    QTemporaryDir dir;
    isolateSettings(dir);
    FakeOllama ollama;
    ollama.setModels({QStringLiteral("qwen2.5-coder:7b"), QStringLiteral("llama3.2:3b")});
    QTcpServer closed; // a port nobody answers on
    REQUIRE(closed.listen(QHostAddress::LocalHost));
    const quint16 deadPort = closed.serverPort();
    closed.close();
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    saveFile(path, configFor(ollama.baseUrl()));
    MappingsController controller(path);
    controller.setProbes({{QStringLiteral("Ollama"), QStringLiteral("ollama"), ollama.baseUrl(), true},
                          {QStringLiteral("vLLM"), QStringLiteral("hosted_vllm"),
                           QStringLiteral("http://127.0.0.1:%1/v1").arg(deadPort), false}});
    MappingsPage page(&controller);
    REQUIRE(waitUntil([&] { return page.model()->rowCount() == 1; }));
    page.findChild<QPushButton *>(QStringLiteral("mappings-detect"))->click();
    auto *found = page.findChild<QListWidget *>(QStringLiteral("mappings-found"));
    REQUIRE(waitUntil([&] { return found->count() > 0; }, 10000));
    REQUIRE(found->count() == 2); // the two models; the dead port is not listed
    CHECK(found->item(0)->text().startsWith(QStringLiteral("qwen2.5-coder:7b — Ollama at ")));
    found->item(1)->setSelected(true);
    page.findChild<QPushButton *>(QStringLiteral("mappings-add-found"))->click();
    REQUIRE(page.model()->rowCount() == 2);
    const MappingRow &added = page.model()->row(1);
    CHECK(added.value(QStringLiteral("litellm_params.model")).toString() == QStringLiteral("ollama/llama3.2:3b"));
    CHECK(added.value(QStringLiteral("litellm_params.api_base")).toString() == ollama.baseUrl());
    CHECK(added.value(QStringLiteral("litellm_params.num_ctx")).toInt() == 32768);

    // Nothing answering says what to do.
    controller.setProbes({{QStringLiteral("vLLM"), QStringLiteral("hosted_vllm"),
                           QStringLiteral("http://127.0.0.1:%1/v1").arg(deadPort), false}});
    page.findChild<QPushButton *>(QStringLiteral("mappings-detect"))->click();
    REQUIRE(waitUntil(
        [&] { return found->count() == 1 && found->item(0)->text().startsWith(QStringLiteral("Nothing answers")); },
        10000));
}

TEST_CASE("Use for Claude Code updates the mapping that serves Claude Code's model, or adds one")
{
    const QString base = QStringLiteral("http://127.0.0.1:11434");
    const QByteArray defaults = ConfigLoader::defaultConfigText();
    const auto main = MappingsController::withClaudeCodeModel(defaults, QStringLiteral("c.yaml"),
                                                              QStringLiteral("qwen3:8b"), base, false);
    REQUIRE(main);
    // The main model's row changed in place; the haiku row and the comments did not.
    CHECK(main->contains("      model: ollama/qwen3:8b\n"));
    CHECK(main->contains("      model: ollama/qwen2.5-coder:1.5b\n"));
    CHECK(main->contains("# background and small tasks"));
    const ConfigLoadResult loaded = ConfigLoader::loadText(*main, QStringLiteral("c.yaml"));
    REQUIRE(loaded.ok());
    REQUIRE(loaded.config.deployments.size() == 2);
    CHECK(loaded.config.deployments[1].model == QStringLiteral("ollama/qwen3:8b"));

    // Only a claude-* mapping: the small model gets a mapping of its own, the main one stays.
    const QByteArray one = "model_list:\n  - model_name: \"claude-*\"\n    litellm_params:\n"
                           "      model: anthropic/claude-sonnet-4-5\n      api_key: os.environ/ANTHROPIC_API_KEY\n";
    const auto small = MappingsController::withClaudeCodeModel(one, QStringLiteral("c.yaml"),
                                                               QStringLiteral("qwen2.5-coder:1.5b"), base, true);
    REQUIRE(small);
    CHECK(small->startsWith(one));
    const ConfigLoadResult both = ConfigLoader::loadText(*small, QStringLiteral("c.yaml"));
    REQUIRE(both.ok());
    REQUIRE(both.config.deployments.size() == 2);
    CHECK(both.config.deployments[1].modelName == QStringLiteral("claude-*haiku*"));
    CHECK(both.config.deployments[1].model == QStringLiteral("ollama/qwen2.5-coder:1.5b"));
    CHECK(both.config.deployments[1].contextLength == 32768);

    // Two deployments sharing the mapping: the user picks on the Mappings page.
    const QByteArray shared = "model_list:\n"
                              "  - model_name: main\n    litellm_params: {model: ollama/a}\n"
                              "  - model_name: \"claude-*\"\n    litellm_params:\n      model: ollama/a\n"
                              "  - model_name: \"claude-*\"\n    litellm_params:\n      model: ollama/b\n";
    const auto refused =
        MappingsController::withClaudeCodeModel(shared, QStringLiteral("c.yaml"), QStringLiteral("c"), base, false);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().contains(QStringLiteral("2 deployments")));
}

TEST_CASE("the Models page's Use for Claude Code and tool-calling check go through the config and the gateway")
{
    QTemporaryDir dir;
    isolateSettings(dir);
    FakeOllama ollama;
    ollama.setModels({QStringLiteral("qwen2.5-coder:7b"), QStringLiteral("qwen3:8b")});
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    saveFile(path, configFor(ollama.baseUrl()));
    GatewayController gateway(gatewaySetupFor(path));
    gateway.start();
    REQUIRE(waitUntil([&] { return gateway.state() == ProxyService::State::Running; }, 10000));
    OllamaClient client{QUrl(ollama.baseUrl())};
    ModelsController models(&client, nullptr);
    models.setConfigPath(path);
    models.setGateway(gateway.baseUrl(), gateway.token());
    models.setConfig(gateway.config());
    QSignalSpy used(&models, &ModelsController::usedForClaudeCode);
    QSignalSpy checks(&models, &ModelsController::toolCheckFinished);

    // Not mapped yet: the check says what to do first.
    models.checkToolCalling(QStringLiteral("qwen3:8b"));
    REQUIRE(checks.count() == 1);
    CHECK(checks.at(0).at(1).toString().contains(QStringLiteral("No mapping uses qwen3:8b")));

    QSignalSpy changes(&gateway, &GatewayController::configChanged);
    models.useForClaudeCode(QStringLiteral("qwen3:8b"), false);
    REQUIRE(waitUntil([&] { return used.count() == 1; }));
    CHECK(used.at(0).at(1).toString().isEmpty());
    const QByteArray saved = readFile(path);
    CHECK(saved.contains("      model: ollama/qwen3:8b\n"));
    CHECK(saved.contains("      num_ctx: 32768\n"));
    CHECK(saved.contains("x_unknown_section: {a: 1}   # not Switchboard's\n"));
    REQUIRE(waitUntil([&] { return changes.count() >= 1; }, 10000));
    models.setConfig(gateway.config());

    // A model that calls the tool properly passes (its context is 32768).
    ollama.setTurn(FakeTurn::withToolCall(QStringLiteral("get_weather"),
                                          QJsonObject{{QStringLiteral("city"), QStringLiteral("Paris")}}));
    models.checkToolCalling(QStringLiteral("qwen3:8b"));
    REQUIRE(waitUntil([&] { return checks.count() == 2; }, 10000));
    CHECK(checks.at(1).at(1).toString().startsWith(QStringLiteral("Tool calling works: get_weather(city: \"Paris\")")));
    CHECK(checks.at(1).at(2).toBool());
    // The request went through the gateway with the tool.
    REQUIRE_FALSE(ollama.turnRequests().isEmpty());
    const QByteArray sent = ollama.turnRequests().last().body;
    CHECK(sent.contains("get_weather"));

    // One that answers in text fails, in words.
    ollama.setTurn(FakeTurn::withText(QStringLiteral("It is sunny in Paris.")));
    models.checkToolCalling(QStringLiteral("qwen3:8b"));
    REQUIRE(waitUntil([&] { return checks.count() == 3; }, 10000));
    CHECK(checks.at(2).at(1).toString().startsWith(QStringLiteral("No tool call")));
    CHECK(checks.at(2).at(1).toString().contains(QStringLiteral("It is sunny in Paris.")));
    CHECK_FALSE(checks.at(2).at(2).toBool());
}
