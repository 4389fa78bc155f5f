#pragma once

#include "UsageRecord.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QMetaType>

#include <array>
#include <memory>
#include <vector>

namespace sb {

// A usage record flattened into bytes: its numbers, then its texts in UTF-8. The gateway
// keeps thousands of finished records at once (the ring behind GET /logs, batches on their
// way to the spend log). Kept as UsageRecords, each held a dozen separately allocated
// strings, freed long after they were made: that heap churn cost the gateway more than
// everything else the usage tap does. Flat, they are copied into buffers made up front, and
// their texts go to SQLite as they are.
class PackedUsage final
{
public:
    enum Text : int {
        RequestId,
        SessionId,
        UserAgent,
        Method,
        Path,
        ClientModel,
        ModelGroup,
        Deployment,
        UpstreamModel,
        Provider,
        RouteRule,
        ErrorType,
        ErrorMessage,
        TextCount
    };

    struct Numbers
    {
        qint64 startedMs = 0;
        qint64 inputTokens = -1;
        qint64 outputTokens = -1;
        qint64 cacheReadTokens = 0;
        qint64 cacheWriteTokens = 0;
        qint64 firstTokenMs = -1;
        qint64 totalMs = 0;
        double costUsd = 0;
        double claudeListUsd = 0;
        double savedUsd = 0;
        qint32 status = 0;
        qint32 retries = 0;
        bool stream = false;
        bool tokensEstimated = false;
        bool fallbackUsed = false;
        bool costKnown = false;
    };

    // Writes `usage` to `out`, which has room for maxSize(usage) bytes; returns the bytes used.
    // The error message is written as secret_redaction::storedErrorMessage() keeps it (keys
    // masked, length capped): every record bound for the spend log or GET /logs is packed
    // here, so none of them holds a key an upstream quoted back, or a megabyte of its answer.
    static qsizetype maxSize(const UsageRecord &usage);
    static qsizetype write(const UsageRecord &usage, char *out);
    // `usage` packed into a scratch buffer of the calling thread, valid until its next call.
    static QByteArrayView scratch(const UsageRecord &usage);

    // A view of bytes that write() produced (not owned).
    PackedUsage() = default;
    explicit PackedUsage(QByteArrayView bytes) : m_bytes(bytes) {}

    // Everything at once: the numbers, and each text's UTF-8 bytes (null views for the
    // fields that were never set, empty ones for empty texts).
    struct Fields
    {
        Numbers numbers;
        std::array<QByteArrayView, TextCount> texts;
    };

    bool isValid() const;
    Fields fields() const;
    UsageRecord unpack() const;

private:
    struct Header
    {
        Numbers numbers;
        quint32 nullTexts;           // a bit per Text
        quint32 textEnds[TextCount]; // end of each text, counted from the first text byte
    };

    QByteArrayView m_bytes;
};

// Packed records back to back in one byte array, each after its size: a batch on its way to
// the spend log, one allocation however many records it holds. Copies share the bytes.
class UsageBatch final
{
public:
    void reserve(qsizetype bytes) { m_bytes.reserve(bytes); }
    void append(QByteArrayView packed);
    void append(const UsageRecord &usage) { append(PackedUsage::scratch(usage)); }
    void append(const UsageBatch &other);
    int count() const { return m_count; }
    bool isEmpty() const { return m_count == 0; }
    qsizetype byteSize() const { return m_bytes.size(); }
    void clear();
    // Views into this batch, in order (valid while it lives and is not changed).
    std::vector<PackedUsage> records() const;

private:
    QByteArray m_bytes;
    int m_count = 0;
};

// The last `capacity` packed records, newest first, in slots allocated once: keeping a
// record copies its bytes into the oldest slot (a record longer than a slot, which takes a
// user agent of several hundred bytes, gets a buffer of its own).
class UsageRing final
{
public:
    explicit UsageRing(int capacity);

    void append(QByteArrayView packed);
    int size() const { return m_size; }
    // 0 is the newest.
    PackedUsage at(int newestFirst) const;

private:
    static constexpr qsizetype kSlotBytes = 512;
    int m_capacity;
    int m_size = 0;
    int m_next = 0;                  // the slot the next record goes to
    std::unique_ptr<char[]> m_slots; // not zeroed: pages are only touched as records arrive
    std::vector<quint32> m_lengths;
    std::vector<QByteArray> m_oversized; // per slot, empty unless that slot's record is long
};

} // namespace sb

Q_DECLARE_METATYPE(sb::UsageBatch)
