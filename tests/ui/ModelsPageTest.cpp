// The Models page against the fake Ollama: its state, the installed models with what
// /api/show and /api/ps say, Delete with its question, and downloads with Pause, Resume,
// Cancel and failures in words.
#include "pages/ModelsPage.h"
#include "FakeHttpServer.h"
#include "FakeOllamaModels.h"
#include "LookAt.h"
#include "TestWait.h"
#include "UiTestSupport.h"
#include "config/ConfigLoader.h"
#include "controllers/ModelsController.h"
#include "models/OllamaModels.h"
#include "ollama/OllamaClient.h"
#include "ollama/OllamaPulls.h"

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace sb;
using namespace sb::test;

namespace {

QStringList column(const QAbstractItemModel *model, int column)
{
    QStringList values;
    for (int row = 0; row < model->rowCount(); ++row)
        values.append(model->index(row, column).data().toString());
    return values;
}

struct Ollama
{
    FakeHttpServer server;
    FakeOllamaModels models{server};
    OllamaClient client{QUrl(server.baseUrl())};
    OllamaPulls pulls{&client};
    ModelsController controller{&client, &pulls};

    Ollama()
    {
        server.setHandler("GET", "/api/version",
                          [](const RecordedRequest &) { return FakeReply::json(200, R"({"version":"0.12.3"})"); });
        FakeOllamaModels::Model coder;
        coder.name = QStringLiteral("qwen2.5-coder:7b");
        coder.sizeBytes = 4683087332;
        coder.family = QStringLiteral("qwen2");
        coder.parameterSize = QStringLiteral("7.6B");
        coder.quantization = QStringLiteral("Q4_K_M");
        coder.numCtx = 32768;
        coder.loadedVram = 0;
        FakeOllamaModels::Model plain;
        plain.name = QStringLiteral("gemma:2b");
        plain.sizeBytes = 1678447520;
        plain.family = QStringLiteral("gemma");
        plain.parameterSize = QStringLiteral("3B");
        plain.quantization = QStringLiteral("Q4_0");
        plain.contextLength = 8192;
        plain.capabilities = {QStringLiteral("completion")};
        models.setModels({coder, plain});
        const ConfigLoadResult loaded = ConfigLoader::loadText(
            QStringLiteral("model_list:\n  - model_name: 'claude-*'\n    litellm_params: {model: "
                           "ollama/qwen2.5-coder:7b, api_base: '%1'}\n")
                .arg(server.baseUrl())
                .toUtf8(),
            QStringLiteral("t.yaml"));
        REQUIRE(loaded.ok());
        controller.setConfig(loaded.config);
    }
};

} // namespace

TEST_CASE("the Models page lists Ollama's models with context, tool calling, use and load")
{
    Ollama ollama;
    ModelsPage page(&ollama.controller, {QStringLiteral("qwen2.5-coder:14b")});
    auto *installed = page.findChild<QTableView *>(QStringLiteral("models-installed"));
    auto *pulls = page.findChild<QTableView *>(QStringLiteral("models-pulls"));
    REQUIRE(installed);
    REQUIRE(pulls);
    QAbstractItemModelTester installedTester(installed->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester pullTester(pulls->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    page.show(); // showing it asks Ollama
    const QAbstractItemModel *model = installed->model();
    // The list, then /api/show for each (tool calling, context) and /api/ps (what is loaded).
    REQUIRE(waitUntil([&] {
        return model->rowCount() == 2 && !column(model, InstalledModelsModel::Tools).contains(QStringLiteral("…")) &&
               column(model, InstalledModelsModel::Loaded).first() != QStringLiteral("–");
    }));
    CHECK(column(model, InstalledModelsModel::Name) ==
          QStringList{QStringLiteral("qwen2.5-coder:7b"), QStringLiteral("gemma:2b")});
    CHECK(column(model, InstalledModelsModel::Size) == QStringList{QStringLiteral("4.7 GB"), QStringLiteral("1.7 GB")});
    CHECK(column(model, InstalledModelsModel::Tools) == QStringList{QStringLiteral("yes"), QStringLiteral("no")});
    CHECK(model->index(1, InstalledModelsModel::Tools).data(Qt::ForegroundRole).isValid());
    CHECK(column(model, InstalledModelsModel::Context) ==
          QStringList{QStringLiteral("32K (num_ctx; model 32K)"), QStringLiteral("8K")});
    CHECK(model->index(0, InstalledModelsModel::UsedBy).data().toString() ==
          QStringLiteral("ollama/qwen2.5-coder:7b@") + QUrl(ollama.server.baseUrl()).host() + QLatin1Char(':') +
              QString::number(QUrl(ollama.server.baseUrl()).port()));
    CHECK(model->index(1, InstalledModelsModel::UsedBy).data().toString() == QStringLiteral("–"));
    CHECK(model->index(0, InstalledModelsModel::Loaded).data().toString().contains(QStringLiteral("in RAM (CPU)")));
    auto *state = page.findChild<QLabel *>(QStringLiteral("models-state"));
    REQUIRE(waitUntil([&] { return state->text().contains(QStringLiteral("0.12.3")); }));
    CHECK(state->text().contains(QStringLiteral("2 model(s) installed")));
    lookAt(page, "models-installed");
}

TEST_CASE("when Ollama does not answer the Models page says what to do, not an empty table")
{
    QTcpServer closed;
    REQUIRE(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close(); // nothing listens there now
    OllamaClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    OllamaPulls pulls(&client);
    ModelsController controller(&client, &pulls);
    ModelsPage page(&controller, {});
    page.show();
    auto *state = page.findChild<QLabel *>(QStringLiteral("models-state"));
    REQUIRE(waitUntil([&] { return controller.checked(); }));
    CHECK_FALSE(controller.reachable());
    CHECK(state->text().contains(QStringLiteral("refused the connection")));
    CHECK(state->text().contains(QStringLiteral("ollama serve")));
    CHECK(state->text().contains(QString::number(port)));
    CHECK(state->text().count(QString::number(port)) == 1); // said once
    CHECK_FALSE(page.findChild<QPushButton *>(QStringLiteral("models-delete"))->isEnabled());
    CHECK(page.findChild<QTableView *>(QStringLiteral("models-installed"))->isHidden());
}

TEST_CASE("Delete asks first, says which mapping uses the model, and removes it only on yes")
{
    Ollama ollama;
    ModelsPage page(&ollama.controller, {});
    QString asked;
    bool answer = false;
    page.setConfirm([&](const QString &question) {
        asked = question;
        return answer;
    });
    page.show();
    auto *installed = page.findChild<QTableView *>(QStringLiteral("models-installed"));
    REQUIRE(waitUntil([&] { return installed->model()->rowCount() == 2; }));
    installed->selectRow(0);
    auto *remove = page.findChild<QPushButton *>(QStringLiteral("models-delete"));
    REQUIRE(remove->isEnabled());
    remove->click();
    CHECK(asked.contains(QStringLiteral("qwen2.5-coder:7b")));
    CHECK(asked.contains(QStringLiteral("It is used by ollama/qwen2.5-coder:7b@")));
    CHECK(ollama.server.requests("/api/delete").isEmpty());

    answer = true;
    remove->click();
    REQUIRE(waitUntil([&] { return installed->model()->rowCount() == 1; }));
    REQUIRE(ollama.server.requests("/api/delete").size() == 1);
    CHECK(ollama.server.requests("/api/delete").first().json().value(QStringLiteral("model")).toString() ==
          QStringLiteral("qwen2.5-coder:7b"));
    CHECK(page.findChild<QLabel *>(QStringLiteral("models-message"))->text() ==
          QStringLiteral("Deleted qwen2.5-coder:7b."));
}

TEST_CASE("downloads: progress as Ollama streams it, Pause and Resume, Cancel, and a failure in words")
{
    Ollama ollama;
    ollama.models.setPullable(QStringLiteral("qwen2.5-coder:14b"), 9000000, 30);
    ollama.models.setPullChunkDelayMs(40);
    ModelsPage page(&ollama.controller, {});
    page.show();
    auto *name = page.findChild<QLineEdit *>(QStringLiteral("models-pull-name"));
    auto *pull = page.findChild<QPushButton *>(QStringLiteral("models-pull"));
    auto *pause = page.findChild<QPushButton *>(QStringLiteral("models-pause"));
    auto *resume = page.findChild<QPushButton *>(QStringLiteral("models-resume"));
    auto *cancel = page.findChild<QPushButton *>(QStringLiteral("models-cancel"));
    const QAbstractItemModel *list = page.findChild<QTableView *>(QStringLiteral("models-pulls"))->model();
    CHECK_FALSE(pull->isEnabled()); // nothing typed
    name->setText(QStringLiteral("qwen2.5-coder:14b"));
    pull->click();
    REQUIRE(list->rowCount() == 1);
    CHECK(name->text().isEmpty());
    // Some progress, then Pause: the state says so and the bytes stay.
    REQUIRE(waitUntil(
        [&] { return list->index(0, PullListModel::Progress).data(PullListModel::FractionRole).toDouble() > 0.1; }));
    REQUIRE(pause->isEnabled());
    pause->click();
    CHECK(list->index(0, PullListModel::State).data().toString() == QStringLiteral("paused"));
    CHECK(resume->isEnabled());
    CHECK_FALSE(pause->isEnabled());
    INFO(list->index(0, PullListModel::Bytes).data().toString().toStdString());
    CHECK(list->index(0, PullListModel::Bytes).data().toString().endsWith(QStringLiteral(" of 9.0 MB")));
    lookAt(page, "models-paused");
    resume->click();
    REQUIRE(waitUntil([&] { return list->index(0, PullListModel::State).data().toString() == QStringLiteral("done"); },
                      20000));
    CHECK(list->index(0, PullListModel::Progress).data().toString() == QStringLiteral("100 %"));
    CHECK(ollama.models.pullRequests() == 2); // the resume posted again
    CHECK_FALSE(cancel->isEnabled());

    // The finished download offers itself to Claude Code: the config gets a mapping to it.
    auto *use = page.findChild<QPushButton *>(QStringLiteral("models-pull-use"));
    REQUIRE(use);
    REQUIRE(use->isEnabled());
    QTemporaryDir dir;
    const QString configPath = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    saveFile(configPath, "# mine\nmodel_list:\n  - model_name: claude-sonnet-4-5\n    litellm_params:\n"
                         "      model: ollama/qwen2.5-coder:7b\n      num_ctx: 32768\n");
    ollama.controller.setConfigPath(configPath);
    QSignalSpy used(&ollama.controller, &ModelsController::usedForClaudeCode);
    use->click();
    REQUIRE(waitUntil([&] { return used.count() == 1; }));
    CHECK(used.at(0).at(0).toString() == QStringLiteral("qwen2.5-coder:14b"));
    CHECK(used.at(0).at(1).toString().isEmpty());
    const QByteArray saved = readFile(configPath);
    CHECK(saved.startsWith("# mine\n"));
    CHECK(saved.contains("      model: ollama/qwen2.5-coder:14b\n"));
    CHECK_FALSE(saved.contains("qwen2.5-coder:7b"));
    CHECK(page.findChild<QLabel *>(QStringLiteral("models-message"))
              ->text()
              .startsWith(QStringLiteral("qwen2.5-coder:14b now serves Claude Code")));

    // A second download cancelled, and one Ollama does not know.
    name->setText(QStringLiteral("qwen2.5-coder:14b-again"));
    ollama.models.setPullable(QStringLiteral("qwen2.5-coder:14b-again"), 9000000, 30);
    pull->click();
    REQUIRE(list->rowCount() == 2);
    REQUIRE(cancel->isEnabled());
    CHECK_FALSE(use->isEnabled()); // not done yet
    cancel->click();
    CHECK(list->index(1, PullListModel::State).data().toString() == QStringLiteral("cancelled"));
    CHECK_FALSE(use->isEnabled());
    name->setText(QStringLiteral("no-such-model:1b"));
    pull->click();
    REQUIRE(list->rowCount() == 3);
    REQUIRE(waitUntil(
        [&] { return list->index(2, PullListModel::State).data().toString().startsWith(QStringLiteral("failed")); }));
    CHECK(list->index(2, PullListModel::State).data().toString().contains(QStringLiteral("file does not exist")));
    CHECK(list->index(2, PullListModel::State).data(Qt::ForegroundRole).isValid());
}
