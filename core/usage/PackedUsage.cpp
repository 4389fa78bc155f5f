#include "PackedUsage.h"

#include "SecretRedaction.h"

#include <QStringEncoder>

#include <array>
#include <cstddef>
#include <cstring>

namespace sb {

namespace {

// In the order of PackedUsage::Text.
template<typename Record> auto textsOf(Record &r)
{
    return std::array{&r.requestId,   &r.sessionId,  &r.userAgent,   &r.method,        &r.path,
                      &r.clientModel, &r.modelGroup, &r.deployment,  &r.upstreamModel, &r.provider,
                      &r.routeRule,   &r.errorType,  &r.errorMessage};
}

quint32 readSize(const char *at)
{
    quint32 size;
    std::memcpy(&size, at, sizeof size);
    return size;
}

} // namespace

qsizetype PackedUsage::maxSize(const UsageRecord &usage)
{
    qsizetype size = qsizetype(sizeof(Header));
    for (const QString *text : textsOf(usage.request))
        size += text->size() * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    // The stored message is never longer than the message, nor than its cap.
    const qsizetype message = usage.request.errorMessage.size();
    size -= (message - qMin(message, secret_redaction::kMaxErrorMessage)) * 3;
    return size;
}

qsizetype PackedUsage::write(const UsageRecord &usage, char *out)
{
    const RequestRecord &r = usage.request;
    Header header{};
    Numbers &n = header.numbers;
    n.startedMs = r.startedAt.isValid() ? r.startedAt.toMSecsSinceEpoch() : 0;
    n.inputTokens = r.inputTokens;
    n.outputTokens = r.outputTokens;
    n.cacheReadTokens = r.cacheReadTokens;
    n.cacheWriteTokens = r.cacheWriteTokens;
    n.firstTokenMs = r.firstTokenMs;
    n.totalMs = r.totalMs;
    n.costUsd = usage.costUsd;
    n.claudeListUsd = usage.claudeListUsd;
    n.savedUsd = usage.savedUsd;
    n.status = r.status;
    n.retries = r.retries;
    n.stream = r.stream;
    n.tokensEstimated = r.tokensEstimated;
    n.fallbackUsed = r.fallbackUsed;
    n.costKnown = usage.costKnown;

    QStringEncoder encoder(QStringEncoder::Utf8, QStringEncoder::Flag::Stateless);
    char *const first = out + sizeof(Header);
    char *end = first;
    const QString errorMessage = secret_redaction::storedErrorMessage(r.errorMessage);
    const auto texts = textsOf(r);
    for (int i = 0; i < TextCount; ++i) {
        const QString &text = i == ErrorMessage ? errorMessage : *texts[size_t(i)];
        if (text.isNull())
            header.nullTexts |= 1u << i;
        else
            end = encoder.appendToBuffer(end, text);
        header.textEnds[i] = quint32(end - first);
    }
    std::memcpy(out, &header, sizeof(Header));
    return end - out;
}

QByteArrayView PackedUsage::scratch(const UsageRecord &usage)
{
    thread_local std::vector<char> buffer;
    const qsizetype needed = maxSize(usage);
    if (buffer.size() < size_t(needed))
        buffer.resize(size_t(needed));
    return QByteArrayView(buffer.data(), write(usage, buffer.data()));
}

bool PackedUsage::isValid() const
{
    if (m_bytes.size() < qsizetype(sizeof(Header)))
        return false;
    quint32 last;
    std::memcpy(&last, m_bytes.data() + offsetof(Header, textEnds) + sizeof(quint32) * (TextCount - 1), sizeof last);
    return qsizetype(sizeof(Header)) + qsizetype(last) == m_bytes.size();
}

PackedUsage::Fields PackedUsage::fields() const
{
    Fields fields;
    if (!isValid())
        return fields;
    Header header;
    std::memcpy(&header, m_bytes.data(), sizeof header);
    fields.numbers = header.numbers;
    const char *texts = m_bytes.data() + sizeof(Header);
    quint32 start = 0;
    for (int i = 0; i < TextCount; ++i) {
        const quint32 end = header.textEnds[i];
        if (!(header.nullTexts & (1u << i)))
            fields.texts[size_t(i)] = QByteArrayView(texts + start, qsizetype(end - start));
        start = end;
    }
    return fields;
}

UsageRecord PackedUsage::unpack() const
{
    UsageRecord usage;
    const Fields f = fields();
    const Numbers &n = f.numbers;
    RequestRecord &r = usage.request;
    r.startedAt = QDateTime::fromMSecsSinceEpoch(n.startedMs, Qt::UTC);
    r.inputTokens = n.inputTokens;
    r.outputTokens = n.outputTokens;
    r.cacheReadTokens = n.cacheReadTokens;
    r.cacheWriteTokens = n.cacheWriteTokens;
    r.firstTokenMs = n.firstTokenMs;
    r.totalMs = n.totalMs;
    r.status = n.status;
    r.retries = n.retries;
    r.stream = n.stream;
    r.tokensEstimated = n.tokensEstimated;
    r.fallbackUsed = n.fallbackUsed;
    usage.costUsd = n.costUsd;
    usage.claudeListUsd = n.claudeListUsd;
    usage.savedUsd = n.savedUsd;
    usage.costKnown = n.costKnown;
    const auto texts = textsOf(r);
    for (int i = 0; i < TextCount; ++i) {
        const QByteArrayView text = f.texts[size_t(i)];
        if (text.isNull())
            continue;
        const QString value = QString::fromUtf8(text);
        *texts[size_t(i)] = value.isNull() ? QStringLiteral("") : value; // empty as it was, not null
    }
    return usage;
}

void UsageBatch::append(QByteArrayView packed)
{
    const quint32 size = quint32(packed.size());
    m_bytes.append(reinterpret_cast<const char *>(&size), sizeof size);
    m_bytes.append(packed);
    ++m_count;
}

void UsageBatch::append(const UsageBatch &other)
{
    if (isEmpty()) {
        *this = other;
        return;
    }
    m_bytes.append(other.m_bytes);
    m_count += other.m_count;
}

void UsageBatch::clear()
{
    m_bytes.clear();
    m_count = 0;
}

std::vector<PackedUsage> UsageBatch::records() const
{
    std::vector<PackedUsage> list;
    list.reserve(size_t(m_count));
    const char *at = m_bytes.constData();
    const char *const end = at + m_bytes.size();
    while (end - at >= qsizetype(sizeof(quint32))) {
        const quint32 size = readSize(at);
        at += sizeof size;
        if (end - at < qsizetype(size))
            break;
        list.emplace_back(QByteArrayView(at, qsizetype(size)));
        at += size;
    }
    return list;
}

UsageRing::UsageRing(int capacity)
    : m_capacity(qMax(1, capacity)), m_slots(new char[size_t(m_capacity) * size_t(kSlotBytes)]),
      m_lengths(size_t(m_capacity), 0), m_oversized(size_t(m_capacity))
{}

void UsageRing::append(QByteArrayView packed)
{
    const size_t slot = size_t(m_next);
    if (packed.size() <= kSlotBytes) {
        std::memcpy(m_slots.get() + slot * size_t(kSlotBytes), packed.data(), size_t(packed.size()));
        if (!m_oversized[slot].isNull())
            m_oversized[slot] = QByteArray();
    } else {
        m_oversized[slot] = packed.toByteArray();
    }
    m_lengths[slot] = quint32(packed.size());
    m_next = (m_next + 1) % m_capacity;
    m_size = qMin(m_size + 1, m_capacity);
}

PackedUsage UsageRing::at(int newestFirst) const
{
    if (newestFirst < 0 || newestFirst >= m_size)
        return {};
    const size_t slot = size_t((m_next - 1 - newestFirst + 2 * m_capacity) % m_capacity);
    const QByteArray &own = m_oversized[slot];
    if (!own.isNull())
        return PackedUsage(QByteArrayView(own));
    return PackedUsage(QByteArrayView(m_slots.get() + slot * size_t(kSlotBytes), qsizetype(m_lengths[slot])));
}

} // namespace sb
