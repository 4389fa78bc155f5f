// The Requests page over a real spend log: paging as the view scrolls, filters, details and
// the CSV export, which must equal `switchboard usage --last N --csv`.
#include "pages/RequestsPage.h"
#include "LookAt.h"
#include "TestWait.h"
#include "models/SpendLogModel.h"
#include "models/SpendTotalsModel.h"
#include "usage/SpendLog.h"
#include "usage/SpendLogReader.h"

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QProcess>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>

using namespace sb;
using namespace sb::test;

namespace {

// `n` requests ending a minute ago, 20 s apart: every 10th failed, every 4th for haiku.
QString writeLog(const QTemporaryDir &dir, int n)
{
    const QString path = dir.filePath(QStringLiteral("usage.sqlite"));
    SpendLog log;
    REQUIRE(log.open(path).hasValue());
    const qint64 last = QDateTime::currentMSecsSinceEpoch() - 60 * 1000;
    QVector<UsageRecord> batch;
    for (int i = 0; i < n; ++i) {
        UsageRecord usage;
        RequestRecord &r = usage.request;
        r.startedAt = QDateTime::fromMSecsSinceEpoch(last - qint64(n - 1 - i) * 20000, Qt::UTC);
        r.requestId = QStringLiteral("req_%1").arg(i);
        r.method = QStringLiteral("POST");
        r.path = QStringLiteral("/v1/messages");
        r.clientModel = i % 4 == 0 ? QStringLiteral("claude-haiku-4-5") : QStringLiteral("claude-sonnet-4-5");
        r.modelGroup = QStringLiteral("claude-*");
        r.deployment = QStringLiteral("ollama/qwen2.5-coder:7b@127.0.0.1:11434");
        r.sessionId = QStringLiteral("session-%1").arg(i / 100);
        r.status = i % 10 == 7 ? 502 : 200;
        r.errorType = r.status == 502 ? QStringLiteral("api_error") : QString();
        r.retries = r.status == 502 ? 2 : 0;
        r.inputTokens = 20000 + i;
        r.outputTokens = 300;
        r.firstTokenMs = 400;
        r.totalMs = 6400;
        usage.costKnown = true;
        usage.claudeListUsd = 0.0645;
        usage.savedUsd = 0.0645;
        batch.append(usage);
        if (batch.size() == 5000) {
            REQUIRE(log.insert(batch).hasValue());
            batch.clear();
        }
    }
    REQUIRE(log.insert(batch).hasValue());
    return path;
}

} // namespace

TEST_CASE("the spend log model loads page by page as the view asks, and passes the model tester")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    SpendLogReader reader(writeLog(dir, 450));
    SpendLogModel model(&reader);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setFilter(SpendFilter());
    // Asked, not read: the GUI thread does not wait for the disk.
    CHECK(model.rowCount() == 0);
    CHECK(model.isLoading());
    REQUIRE(waitUntil([&] { return model.rowCount() == SpendLogModel::kPageSize; }));
    CHECK(model.hasMore());
    CHECK(model.index(0, SpendLogModel::Model).data().toString() ==
          QStringLiteral("claude-sonnet-4-5 → ollama/qwen2.5-coder:7b@127.0.0.1:11434"));
    CHECK(model.recordAt(0)->request.requestId == QStringLiteral("req_449")); // newest first
    // (The model tester asks for more itself too; either way each page comes once.)
    while (model.hasMore() || model.isLoading()) {
        const int before = model.rowCount();
        if (model.canFetchMore({}))
            model.fetchMore({});
        REQUIRE(waitUntil([&] { return model.rowCount() > before || (!model.isLoading() && !model.hasMore()); }));
    }
    CHECK(model.rowCount() == 450);
    CHECK_FALSE(model.hasMore());
    REQUIRE(model.recordAt(449));
    CHECK(model.recordAt(449)->request.requestId == QStringLiteral("req_0"));
    // A failed request reads as its status and error, in red; the details say the rest.
    const int failed = 449 - 447; // req_447
    CHECK(model.index(failed, SpendLogModel::Status).data().toString() == QStringLiteral("502 api_error"));
    CHECK(model.index(failed, SpendLogModel::Route).data().toString() == QStringLiteral("2 retries"));
    CHECK(model.index(failed, SpendLogModel::Status).data(Qt::ForegroundRole).isValid());
    CHECK(
        model.details(failed).contains(QStringLiteral("error api_error: the upstream failed or could not be reached")));
    CHECK(model.index(failed, SpendLogModel::Status).data(Qt::ToolTipRole).toString() ==
          QStringLiteral("the upstream failed or could not be reached"));
    CHECK(model.index(0, SpendLogModel::Speed).data().toString() == QStringLiteral("50.0 tok/s"));
    CHECK_FALSE(model.setData(model.index(0, 0), QStringLiteral("x")));
}

TEST_CASE("a failed request read back from the log says in words what its client was told")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("usage.sqlite"));
    {
        SpendLog log;
        REQUIRE(log.open(path).hasValue());
        const qint64 start = QDateTime::currentMSecsSinceEpoch() - 60 * 1000;
        QVector<UsageRecord> batch;
        for (int i = 0; i < 3; ++i) {
            UsageRecord usage;
            RequestRecord &r = usage.request;
            r.startedAt = QDateTime::fromMSecsSinceEpoch(start + i * 1000, Qt::UTC);
            r.requestId = QStringLiteral("req_%1").arg(i);
            r.method = QStringLiteral("POST");
            r.path = QStringLiteral("/v1/messages");
            r.clientModel = QStringLiteral("claude-sonnet-4-5");
            r.deployment = QStringLiteral("ollama/qwen2.5-coder:7b@127.0.0.1:11434");
            r.status = i == 2 ? 200 : 502;
            r.errorType = i == 2 ? QString() : QStringLiteral("api_error");
            batch.append(usage);
        }
        // req_0 as a log kept it before it had the words; req_1 with them, a key quoted in them.
        batch[1].request.errorMessage =
            QStringLiteral("Ollama at 127.0.0.1:11434 refused the connection (key sk-ant-api03-AbCdEfGh12345678)");
        REQUIRE(log.insert(batch).hasValue());
    }
    SpendLogReader reader(path);
    SpendLogModel model(&reader);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setFilter(SpendFilter());
    REQUIRE(waitUntil([&] { return model.rowCount() == 3 && !model.isLoading(); }));
    REQUIRE(model.recordAt(1)->request.requestId == QStringLiteral("req_1"));
    REQUIRE(model.recordAt(2)->request.requestId == QStringLiteral("req_0"));

    const QString words = QStringLiteral("Ollama at 127.0.0.1:11434 refused the connection (key sk-ant-api03-…)");
    CHECK(model.index(1, SpendLogModel::Status).data().toString() == QStringLiteral("502 api_error"));
    CHECK(model.index(1, SpendLogModel::Status).data(Qt::ToolTipRole).toString() == words);
    CHECK(model.details(1).contains(QStringLiteral("Status 502, error api_error: ") + words));
    CHECK_FALSE(model.details(1).contains(QStringLiteral("AbCdEfGh")));
    // Without words (an older row): what the error type means.
    CHECK(model.index(2, SpendLogModel::Status).data().toString() == QStringLiteral("502 api_error"));
    CHECK(model.index(2, SpendLogModel::Status).data(Qt::ToolTipRole).toString() ==
          QStringLiteral("the upstream failed or could not be reached"));
    CHECK(model.details(2).contains(QStringLiteral("error api_error: the upstream failed or could not be reached")));
    // A request that worked: no error in its status or its details.
    CHECK(model.index(0, SpendLogModel::Status).data().toString() == QStringLiteral("200"));
    CHECK_FALSE(model.details(0).contains(QStringLiteral("error")));

    // The search finds a request by its words.
    SpendFilter search;
    search.search = QStringLiteral("refused the connection");
    model.setFilter(search);
    REQUIRE(waitUntil([&] { return !model.isLoading(); }));
    REQUIRE(model.rowCount() == 1);
    CHECK(model.recordAt(0)->request.requestId == QStringLiteral("req_1"));
}

TEST_CASE("a 100,000-row log opens at once: the first page arrives while the rest stays on disk")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    SpendLogReader reader(writeLog(dir, 100000));
    RequestsPage page(&reader, true);
    page.resize(1000, 600);
    page.show(); // showing it loads it
    auto *table = page.findChild<QTableView *>(QStringLiteral("requests-table"));
    auto *count = page.findChild<QLabel *>(QStringLiteral("requests-count"));
    REQUIRE(waitUntil([&] { return page.model()->rowCount() > 0 && !page.model()->isLoading(); }));
    CHECK(page.model()->rowCount() == SpendLogModel::kPageSize);
    CHECK(count->text().contains(QStringLiteral("more load as you scroll")));
    // Scrolling to the end asks for the next page.
    table->scrollToBottom();
    REQUIRE(waitUntil([&] { return page.model()->rowCount() >= 2 * SpendLogModel::kPageSize; }));
    CHECK(page.model()->rowCount() < 100000);
}

TEST_CASE("the Requests page filters by outcome and search, shows details, and exports what the CLI prints")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = writeLog(dir, 300);
    SpendLogReader reader(path);
    RequestsPage page(&reader, true);
    page.resize(1000, 600);
    page.show();
    SpendLogModel *model = page.model();
    REQUIRE(waitUntil([&] { return model->rowCount() == 200 && !model->isLoading(); }));

    auto *status = page.findChild<QComboBox *>(QStringLiteral("requests-status"));
    status->setCurrentIndex(status->findText(QStringLiteral("Failed")));
    REQUIRE(waitUntil([&] { return !model->isLoading() && model->rowCount() == 30; }));
    for (int row = 0; row < model->rowCount(); ++row)
        CHECK(model->recordAt(row)->request.status == 502);

    auto *search = page.findChild<QLineEdit *>(QStringLiteral("requests-search"));
    search->setText(QStringLiteral("req_27"));
    // req_27 and req_270..req_279 that failed (ending in 7): req_27, req_277.
    REQUIRE(waitUntil([&] { return !model->isLoading() && model->rowCount() == 2; }));
    CHECK(model->recordAt(0)->request.requestId == QStringLiteral("req_277"));

    auto *table = page.findChild<QTableView *>(QStringLiteral("requests-table"));
    auto *details = page.findChild<QLabel *>(QStringLiteral("requests-details"));
    table->selectRow(0);
    CHECK(details->text().contains(QStringLiteral("req_277")));
    CHECK(details->text().contains(QStringLiteral("Status 502")));

    // All time, every outcome, no search: the export equals the CLI's CSV of the same log.
    search->clear();
    status->setCurrentIndex(0);
    auto *range = page.findChild<QComboBox *>(QStringLiteral("requests-range"));
    range->setCurrentIndex(range->findText(QStringLiteral("All time")));
    REQUIRE(waitUntil([&] {
        return !model->isLoading() && model->rowCount() == 200 && model->filter().sinceMs == 0 &&
               model->filter().search.isEmpty() && model->filter().status == SpendFilter::Status::Any;
    }));
    qint64 exported = -1;
    QString error = QStringLiteral("unset");
    QObject::connect(&page, &RequestsPage::exportFinished, &page, [&](qint64 rows, const QString &why) {
        exported = rows;
        error = why;
    });
    const QString file = dir.filePath(QStringLiteral("requests.csv"));
    page.exportTo(file);
    REQUIRE(waitUntil([&] { return exported >= 0; }));
    CHECK(error.isEmpty());
    CHECK(exported == 300);
    QProcess cli;
    cli.start(QStringLiteral(SWITCHBOARD_APP),
              {QStringLiteral("usage"), QStringLiteral("--db"), path, QStringLiteral("--last"),
               QStringLiteral("100000"), QStringLiteral("--csv")});
    REQUIRE(cli.waitForFinished(30000));
    CHECK(cli.exitCode() == 0);
    QFile csv(file);
    REQUIRE(csv.open(QIODevice::ReadOnly));
    const QByteArray written = csv.readAll();
    CHECK(written.count('\n') == 301);
    CHECK(written == cli.readAllStandardOutput());

    // Totals of the same filter, per model, as a table and a chart; the failed ones apart.
    QAbstractItemModelTester totalsTester(page.totals(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    int shown = 0;
    QObject::connect(&page, &RequestsPage::totalsShown, &page, [&] { ++shown; });
    auto *grouping = page.findChild<QComboBox *>(QStringLiteral("requests-grouping"));
    grouping->setCurrentIndex(grouping->findText(QStringLiteral("per model")));
    REQUIRE(waitUntil([&] { return shown >= 1; }));
    REQUIRE(page.totals()->rowCount() == 2);
    QMap<QString, qint64> requests;
    for (const SpendTotal &total : page.totals()->totals())
        requests.insert(total.key, total.requests);
    CHECK(requests.value(QStringLiteral("claude-haiku-4-5")) == 75);
    CHECK(requests.value(QStringLiteral("claude-sonnet-4-5")) == 225);
    CHECK(page.totals()->headerData(SpendTotalsModel::Key, Qt::Horizontal).toString() == QStringLiteral("Model"));
    page.findChild<QTabWidget *>(QStringLiteral("requests-tabs"))->setCurrentIndex(1);
    lookAt(page, "requests-totals", 700);
    status->setCurrentIndex(status->findText(QStringLiteral("Failed")));
    REQUIRE(waitUntil([&] { return shown >= 2 && page.totals()->rowCount() > 0; }));
    qint64 failedTotal = 0;
    for (const SpendTotal &total : page.totals()->totals()) {
        failedTotal += total.requests;
        CHECK(total.errors == total.requests);
    }
    CHECK(failedTotal == 30);
}

TEST_CASE("with the spend log off, the Requests page says so instead of an empty table")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    SpendLogReader reader(dir.filePath(QStringLiteral("none.sqlite")));
    RequestsPage page(&reader, false);
    page.show();
    auto *count = page.findChild<QLabel *>(QStringLiteral("requests-count"));
    CHECK(count->text().contains(QStringLiteral("usage_enabled")));
    CHECK_FALSE(page.findChild<QPushButton *>(QStringLiteral("requests-export"))->isEnabled());
    CHECK_FALSE(page.findChild<QLineEdit *>(QStringLiteral("requests-search"))->isEnabled());
    CHECK(page.model()->rowCount() == 0);

    // On, but nothing logged yet: the reader's words, and no file made.
    RequestsPage empty(&reader, true);
    empty.show();
    auto *emptyCount = empty.findChild<QLabel *>(QStringLiteral("requests-count"));
    REQUIRE(waitUntil([&] { return !empty.model()->isLoading(); }));
    CHECK(emptyCount->text().contains(QStringLiteral("no spend log")));
    CHECK_FALSE(QFile::exists(dir.filePath(QStringLiteral("none.sqlite"))));
}
