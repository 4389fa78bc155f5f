#include "usage/PackedUsage.h"
#include "UsageTestRecords.h"
#include "usage/SpendLog.h"

#include <catch2/catch.hpp>

#include <QTemporaryDir>

using namespace sb;
using sb::test::makeUsageRecord;

namespace {

constexpr qint64 kStart = 1795651200123; // 2026-11-26T00:00:00.123Z

UsageRecord fullRecord()
{
    UsageRecord usage = makeUsageRecord(7, kStart);
    RequestRecord &r = usage.request;
    r.clientModel = QStringLiteral("claude-opus-5-5 \u00fcber \u2713 \U0001F680"); // 2-, 3- and 4-byte UTF-8
    r.routeRule = QStringLiteral("");                                              // empty, not null
    r.errorType = QString();                                                       // null
    r.sessionId = QString();                                                       // null
    r.inputTokens = -1;                                                            // unknown
    r.outputTokens = 123456789012;
    r.cacheWriteTokens = 42;
    r.tokensEstimated = true;
    r.firstTokenMs = -1;
    r.totalMs = 98765;
    r.retries = 3;
    r.fallbackUsed = true;
    r.status = 529;
    usage.costUsd = 0.125;
    usage.costKnown = false;
    usage.claudeListUsd = 1.5e-7;
    usage.savedUsd = -2.25;
    return usage;
}

QString requestIdOf(const PackedUsage &packed)
{
    return QString::fromUtf8(packed.fields().texts[PackedUsage::RequestId]);
}

} // namespace

TEST_CASE("a packed usage record unpacks to the same record, null and empty texts kept apart")
{
    const UsageRecord original = fullRecord();
    const QByteArrayView bytes = PackedUsage::scratch(original);
    CHECK(bytes.size() <= PackedUsage::maxSize(original));
    const QByteArray copy = bytes.toByteArray(); // the scratch buffer is reused by the next call
    const PackedUsage packed{QByteArrayView(copy)};
    REQUIRE(packed.isValid());

    const UsageRecord back = packed.unpack();
    CHECK(back.toJson() == original.toJson());
    const RequestRecord &r = back.request;
    CHECK(r.clientModel == original.request.clientModel);
    CHECK(r.routeRule.isEmpty());
    CHECK_FALSE(r.routeRule.isNull());
    CHECK(r.errorType.isNull());
    CHECK(r.sessionId.isNull());
    CHECK(r.startedAt.toMSecsSinceEpoch() == kStart);
    CHECK(r.inputTokens == -1);
    CHECK(r.outputTokens == 123456789012);
    CHECK(r.cacheWriteTokens == 42);
    CHECK(r.tokensEstimated);
    CHECK(r.firstTokenMs == -1);
    CHECK(r.totalMs == 98765);
    CHECK(r.retries == 3);
    CHECK(r.fallbackUsed);
    CHECK(r.status == 529);
    CHECK(back.costUsd == 0.125);
    CHECK_FALSE(back.costKnown);
    CHECK(back.claudeListUsd == 1.5e-7);
    CHECK(back.savedUsd == -2.25);

    const PackedUsage::Fields fields = packed.fields();
    CHECK(fields.texts[PackedUsage::ClientModel] == original.request.clientModel.toUtf8());
    CHECK(fields.texts[PackedUsage::ErrorType].isNull());
    CHECK_FALSE(fields.texts[PackedUsage::RouteRule].isNull());
}

TEST_CASE("a packed record keeps the error message as the spend log stores it: keys masked, length capped")
{
    UsageRecord usage = makeUsageRecord(9, kStart);
    usage.request.errorMessage =
        QStringLiteral("Anthropic answered 401 for sk-ant-api03-AbCdEfGh12345678: invalid x-api-key");
    const QByteArray masked = PackedUsage::scratch(usage).toByteArray();
    CHECK(masked.size() <= PackedUsage::maxSize(usage));
    CHECK(PackedUsage(QByteArrayView(masked)).unpack().request.errorMessage ==
          QStringLiteral("Anthropic answered 401 for sk-ant-api03-…: invalid x-api-key"));

    // A megabyte of words costs the buffer what 500 units do, not three megabytes.
    usage.request.errorMessage = QString(1 << 20, QLatin1Char('e'));
    const qsizetype bound = PackedUsage::maxSize(usage);
    CHECK(bound < 4096);
    const QByteArray capped = PackedUsage::scratch(usage).toByteArray();
    CHECK(capped.size() <= bound);
    const QString back = PackedUsage(QByteArrayView(capped)).unpack().request.errorMessage;
    CHECK(back.size() == 500);
    CHECK(back.endsWith(QStringLiteral("e…")));

    usage.request.errorMessage = QString();
    const QByteArray none = PackedUsage::scratch(usage).toByteArray();
    CHECK(PackedUsage(QByteArrayView(none)).fields().texts[PackedUsage::ErrorMessage].isNull());
    CHECK(PackedUsage(QByteArrayView(none)).unpack().request.errorMessage.isNull());
}

TEST_CASE("bytes that are not a packed record read as invalid, not as garbage")
{
    const QByteArray copy = PackedUsage::scratch(fullRecord()).toByteArray();
    CHECK_FALSE(PackedUsage(QByteArrayView(copy).first(copy.size() - 1)).isValid());
    CHECK_FALSE(PackedUsage(QByteArrayView(copy).first(10)).isValid());
    CHECK_FALSE(PackedUsage().isValid());
    const PackedUsage::Fields empty = PackedUsage().fields();
    CHECK(empty.texts[PackedUsage::RequestId].isNull());
    CHECK(empty.numbers.status == 0);
}

TEST_CASE("a usage batch holds records back to back and hands them out in order")
{
    UsageBatch batch;
    CHECK(batch.isEmpty());
    for (int i = 0; i < 3; ++i)
        batch.append(makeUsageRecord(i, kStart + i));
    UsageRecord long_ = makeUsageRecord(3, kStart + 3);
    long_.request.userAgent = QString(3000, QLatin1Char('u'));
    batch.append(long_);
    REQUIRE(batch.count() == 4);

    UsageBatch other;
    other.append(makeUsageRecord(4, kStart + 4));
    batch.append(other);
    REQUIRE(batch.count() == 5);

    const std::vector<PackedUsage> records = batch.records();
    REQUIRE(records.size() == 5);
    for (int i = 0; i < 5; ++i) {
        INFO("record " << i);
        CHECK(requestIdOf(records[size_t(i)]) == QStringLiteral("req_%1").arg(i));
        CHECK(records[size_t(i)].fields().numbers.startedMs == kStart + i);
    }
    CHECK(records[3].unpack().request.userAgent.size() == 3000);

    const UsageBatch shared = batch; // copies share the bytes and stay valid on their own
    batch.clear();
    CHECK(batch.isEmpty());
    CHECK(shared.records().size() == 5);
}

TEST_CASE("the usage ring keeps the newest records, long ones included")
{
    UsageRing ring(3);
    CHECK(ring.size() == 0);
    CHECK_FALSE(ring.at(0).isValid());

    UsageRecord long_ = makeUsageRecord(1, kStart);
    long_.request.userAgent = QString(2000, QLatin1Char('x')); // longer than a slot
    ring.append(PackedUsage::scratch(long_));
    for (int i = 2; i <= 3; ++i)
        ring.append(PackedUsage::scratch(makeUsageRecord(i, kStart)));
    REQUIRE(ring.size() == 3);
    CHECK(requestIdOf(ring.at(0)) == QStringLiteral("req_3"));
    CHECK(requestIdOf(ring.at(2)) == QStringLiteral("req_1"));
    CHECK(ring.at(2).unpack().request.userAgent == long_.request.userAgent);

    // Two more: the oldest two (the long one among them) give way.
    for (int i = 4; i <= 5; ++i)
        ring.append(PackedUsage::scratch(makeUsageRecord(i, kStart)));
    CHECK(ring.size() == 3);
    CHECK(requestIdOf(ring.at(0)) == QStringLiteral("req_5"));
    CHECK(requestIdOf(ring.at(1)) == QStringLiteral("req_4"));
    CHECK(requestIdOf(ring.at(2)) == QStringLiteral("req_3"));
    CHECK(ring.at(0).unpack().toJson() == makeUsageRecord(5, kStart).toJson());
    CHECK_FALSE(ring.at(3).isValid());
    CHECK_FALSE(ring.at(-1).isValid());
}

TEST_CASE("the spend log stores packed texts as they were: NULL, empty and non-ASCII")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    SpendLog log;
    REQUIRE(log.open(dir.filePath(QStringLiteral("usage.sqlite"))).hasValue());
    // 20 records: one 16-row statement and four single rows.
    QVector<UsageRecord> records;
    for (int i = 0; i < 20; ++i) {
        UsageRecord usage = fullRecord();
        usage.request.requestId = QStringLiteral("req_%1").arg(i);
        usage.request.startedAt = QDateTime::fromMSecsSinceEpoch(kStart + i, Qt::UTC);
        records.append(usage);
    }
    REQUIRE(log.insert(records).hasValue());
    const QVector<UsageRecord> last = log.last(20);
    REQUIRE(last.size() == 20);
    for (int i = 0; i < 20; ++i) {
        const RequestRecord &r = last[i].request; // newest first
        INFO("record " << i);
        CHECK(r.requestId == QStringLiteral("req_%1").arg(19 - i));
        CHECK(r.clientModel == fullRecord().request.clientModel);
        CHECK(r.errorType.isNull());
        CHECK(r.sessionId.isNull());
        CHECK(r.routeRule.isEmpty());
        CHECK(r.outputTokens == 123456789012);
        CHECK(last[i].savedUsd == -2.25);
    }
}
