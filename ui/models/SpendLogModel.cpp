#include "SpendLogModel.h"

#include "usage/SpendLogReader.h"
#include "usage/UsageReport.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace sb {

namespace {

QString tokens(qint64 count, bool estimated)
{
    if (count < 0)
        return QStringLiteral("–");
    return (estimated ? QStringLiteral("~") : QString()) + QString::number(count);
}

QString retriesText(int retries)
{
    return retries == 1 ? SpendLogModel::tr("1 retry") : SpendLogModel::tr("%1 retries").arg(retries);
}

// What an error type meant, in words: for rows logged before the spend log kept the message.
QString errorWords(const RequestRecord &r)
{
    const QString &type = r.errorType;
    if (type == QLatin1String("client_closed"))
        return SpendLogModel::tr("the client hung up before the answer ended");
    if (type == QLatin1String("overloaded_error"))
        return SpendLogModel::tr("every deployment was busy or cooling down");
    if (type == QLatin1String("rate_limit_error"))
        return SpendLogModel::tr("over a requests or tokens per minute limit");
    if (type == QLatin1String("timeout_error"))
        return SpendLogModel::tr("the upstream took too long");
    if (type == QLatin1String("not_found_error"))
        return SpendLogModel::tr("no deployment serves that model, or the upstream does not have it");
    if (type == QLatin1String("authentication_error"))
        return SpendLogModel::tr("a missing or wrong token or key");
    if (type == QLatin1String("permission_error"))
        return SpendLogModel::tr("refused: not allowed from there");
    if (type == QLatin1String("invalid_request_error"))
        return r.status == 413 ? SpendLogModel::tr("the request was too large")
                               : SpendLogModel::tr("the request was refused as malformed or too long for the model");
    if (type == QLatin1String("api_error"))
        return r.status == 502 || r.status == 503 ? SpendLogModel::tr("the upstream failed or could not be reached")
                                                  : SpendLogModel::tr("the upstream or the gateway failed");
    return type;
}

// What the client was told, or else what its error type meant.
QString errorText(const RequestRecord &r)
{
    return r.errorMessage.isEmpty() ? errorWords(r) : r.errorMessage;
}

bool failed(const RequestRecord &r)
{
    return r.status >= 400 || !r.errorType.isEmpty();
}

} // namespace

SpendLogModel::SpendLogModel(SpendLogReader *reader, QObject *parent) : ReadOnlyTableModel(parent), m_reader(reader)
{
    connect(m_reader, &SpendLogReader::pageReady, this, &SpendLogModel::pageReady);
}

void SpendLogModel::setFilter(const SpendFilter &filter)
{
    beginResetModel();
    m_filter = filter;
    m_rows.clear();
    m_more = false;
    m_error.clear();
    endResetModel();
    m_pending = m_reader->fetchPage(m_filter, 0, kPageSize);
}

void SpendLogModel::pageReady(int ticket, const QVector<SpendRow> &rows, bool more, const QString &error)
{
    if (ticket != m_pending)
        return; // an answer for a filter no longer shown
    // Nothing more may be asked for while the rows go in (views and testers call fetchMore
    // from the insert signals): the next page starts below these rows, so they come first.
    m_more = false;
    m_error = error;
    if (!rows.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows.size()) - 1);
        m_rows += rows;
        endInsertRows();
    }
    m_pending = 0;
    m_more = more && error.isEmpty();
    Q_EMIT loaded();
}

bool SpendLogModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_more && m_pending == 0;
}

void SpendLogModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || m_rows.isEmpty())
        return;
    m_pending = m_reader->fetchPage(m_filter, m_rows.last().id, kPageSize);
}

const UsageRecord *SpendLogModel::recordAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row).usage : nullptr;
}

QString SpendLogModel::details(int row) const
{
    const UsageRecord *usage = recordAt(row);
    if (!usage)
        return QString();
    const RequestRecord &r = usage->request;
    QStringList lines;
    lines.append(tr("%1 %2 at %3 (request %4)")
                     .arg(r.method, r.path, r.startedAt.toLocalTime().toString(Qt::ISODate), r.requestId));
    lines.append(tr("Asked for %1; group %2%3; answered by %4 (%5, upstream model %6)")
                     .arg(r.clientModel, r.modelGroup.isEmpty() ? QStringLiteral("–") : r.modelGroup,
                          r.routeRule.isEmpty() ? QString() : tr(" by the rule \"%1\"").arg(r.routeRule),
                          r.deployment.isEmpty() ? tr("no deployment") : r.deployment,
                          r.provider.isEmpty() ? QStringLiteral("–") : r.provider,
                          r.upstreamModel.isEmpty() ? QStringLiteral("–") : r.upstreamModel));
    QString status = tr("Status %1").arg(r.status);
    if (!r.errorType.isEmpty())
        status += tr(", error %1: %2").arg(r.errorType, errorText(r));
    else if (!r.errorMessage.isEmpty())
        status += tr(", error: %1").arg(r.errorMessage);
    if (r.retries > 0)
        status += QStringLiteral(", ") + retriesText(r.retries);
    if (r.fallbackUsed)
        status += tr(", answered by a fallback");
    lines.append(status + (r.stream ? tr(", streamed") : QString()));
    lines.append(tr("Tokens: %1 in (%2 read from the prompt cache, %3 written to it), %4 out%5")
                     .arg(tokens(r.inputTokens, false))
                     .arg(r.cacheReadTokens)
                     .arg(r.cacheWriteTokens)
                     .arg(tokens(r.outputTokens, false),
                          r.tokensEstimated ? tr(" — estimated, the upstream did not count them") : QString()));
    lines.append(tr("Time: first token after %1, all after %2 ms")
                     .arg(r.firstTokenMs >= 0 ? tr("%1 ms").arg(r.firstTokenMs) : QStringLiteral("–"))
                     .arg(r.totalMs));
    lines.append(tr("Cost %1 USD%2; at the Claude list price %3 USD, saved %4 USD")
                     .arg(usage_report::money(usage->costUsd),
                          usage->costKnown ? QString() : tr(" (no price known for this model)"),
                          usage_report::money(usage->claudeListUsd), usage_report::money(usage->savedUsd)));
    if (!r.sessionId.isEmpty())
        lines.append(tr("Session %1 · %2").arg(r.sessionId, r.userAgent));
    return lines.join(QLatin1Char('\n'));
}

int SpendLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SpendLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SpendLogModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const UsageRecord &usage = m_rows.at(index.row()).usage;
    const RequestRecord &r = usage.request;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Time: {
            // The date only when it is not today's.
            const QDateTime local = r.startedAt.toLocalTime();
            return local.date() == QDate::currentDate() ? local.toString(QStringLiteral("HH:mm:ss"))
                                                        : local.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        }
        case Session: return r.sessionId.isEmpty() ? QStringLiteral("–") : r.sessionId.left(8);
        case Model:
            return r.deployment.isEmpty() ? r.clientModel : QStringLiteral("%1 → %2").arg(r.clientModel, r.deployment);
        case Route: {
            QStringList route;
            if (!r.routeRule.isEmpty())
                route.append(tr("rule %1").arg(r.routeRule));
            if (r.fallbackUsed)
                route.append(tr("fallback"));
            if (r.retries > 0)
                route.append(retriesText(r.retries));
            return route.isEmpty() ? QStringLiteral("–") : route.join(QStringLiteral(", "));
        }
        case Status:
            return r.errorType.isEmpty() ? QString::number(r.status)
                                         : QStringLiteral("%1 %2").arg(r.status).arg(r.errorType);
        case Input: return tokens(r.inputTokens, r.tokensEstimated);
        case Output: return tokens(r.outputTokens, r.tokensEstimated);
        case Cache:
            return r.cacheReadTokens + r.cacheWriteTokens > 0 ? QString::number(r.cacheReadTokens)
                                                              : QStringLiteral("–");
        case FirstToken: return r.firstTokenMs >= 0 ? tr("%1 ms").arg(r.firstTokenMs) : QStringLiteral("–");
        case Speed: {
            const double speed = r.outputTokensPerSecond();
            return speed >= 0 ? tr("%1 tok/s").arg(speed, 0, 'f', 1) : QStringLiteral("–");
        }
        case Cost: return usage.costKnown ? QStringLiteral("$") + usage_report::money(usage.costUsd) : tr("unknown");
        case Saved: return QStringLiteral("$") + usage_report::money(usage.savedUsd);
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Status && failed(r))
        return QBrush(QColor(0xc0, 0x39, 0x2b));
    if (role == Qt::ToolTipRole && index.column() == Status && failed(r))
        return errorText(r);
    if (role == Qt::ToolTipRole)
        return index.column() == Time ? r.startedAt.toLocalTime().toString(Qt::ISODate) : details(index.row());
    if (role == Qt::TextAlignmentRole && index.column() >= Input && index.column() <= Saved)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant SpendLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time: return tr("Time");
    case Session: return tr("Session");
    case Model: return tr("Model → deployment");
    case Route: return tr("Route");
    case Status: return tr("Status");
    case Input: return tr("In");
    case Output: return tr("Out");
    case Cache: return tr("Cached");
    case FirstToken: return tr("First token");
    case Speed: return tr("Speed");
    case Cost: return tr("Cost");
    case Saved: return tr("Saved");
    default: return {};
    }
}

} // namespace sb
