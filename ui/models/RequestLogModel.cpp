#include "RequestLogModel.h"

#include <QBrush>
#include <QColor>
#include <QHash>

namespace sb {

RequestLogModel::RequestLogModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent), m_capacity(qMax(1, capacity))
{}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int RequestLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RequestRecord &r = m_records.at(index.row()).record;
    const double cost = m_records.at(index.row()).costUsd;
    auto tokens = [&r](qint64 value) -> QVariant {
        if (value < 0)
            return QStringLiteral("–");
        return r.tokensEstimated ? QStringLiteral("~%1").arg(value) : QString::number(value);
    };
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Time: return r.startedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
        case Model: return r.clientModel.isEmpty() ? r.path : r.clientModel;
        case Deployment: return r.upstreamModel.isEmpty() ? QStringLiteral("–") : r.upstreamModel;
        case Status: return statusText(r);
        case InputTokens: return tokens(r.inputTokens);
        case OutputTokens: return tokens(r.outputTokens);
        case Duration: return QStringLiteral("%1 ms").arg(r.totalMs);
        case FirstToken: return r.firstTokenMs < 0 ? QStringLiteral("–") : QStringLiteral("%1 ms").arg(r.firstTokenMs);
        case Speed: {
            const double speed = r.outputTokensPerSecond();
            return speed < 0 ? QStringLiteral("–") : QStringLiteral("%1 tok/s").arg(speed, 0, 'f', 1);
        }
        case Route: return r.routeRule.isEmpty() ? QStringLiteral("–") : r.routeRule;
        case Cost:
            if (cost < 0)
                return QStringLiteral("–");
            return cost == 0 ? QStringLiteral("$0") : QStringLiteral("$%1").arg(cost, 0, 'f', cost < 0.01 ? 4 : 2);
        case Detail: return detailText(r);
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole &&
        ((index.column() >= InputTokens && index.column() <= Speed) || index.column() == Cost))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Status && (r.status >= 400 || !r.errorType.isEmpty()))
        return QBrush(QColor(0xc0, 0x39, 0x2b));
    if (role == Qt::ForegroundRole && index.column() == Detail && !r.errorMessage.isEmpty())
        return QBrush(QColor(0xc0, 0x39, 0x2b));
    if (role == Qt::ToolTipRole) {
        QStringList lines{tr("Requested: %1").arg(r.clientModel)};
        if (!r.deployment.isEmpty())
            lines.append(tr("Answered by deployment %1 (%2)").arg(r.deployment, r.upstreamModel));
        if (!r.routeRule.isEmpty())
            lines.append(tr("Route: %1").arg(r.routeRule));
        if (r.retries > 0)
            lines.append(tr("%n retry(ies)", nullptr, r.retries));
        if (r.fallbackUsed)
            lines.append(tr("Answered by a fallback"));
        if (!r.errorMessage.isEmpty())
            lines.append(r.errorMessage);
        return lines.join(QLatin1Char('\n'));
    }
    return {};
}

QString RequestLogModel::statusText(const RequestRecord &r)
{
    // The code a developer knows, and a word a user understands.
    static const QHash<QString, QString> words = {
        {QStringLiteral("api_error"), tr("upstream error")},
        {QStringLiteral("not_found_error"), tr("unknown model")},
        {QStringLiteral("authentication_error"), tr("bad token")},
        {QStringLiteral("invalid_request_error"), tr("bad request")},
        {QStringLiteral("overloaded_error"), tr("busy")},
        {QStringLiteral("rate_limit_error"), tr("rate limited")},
        {QStringLiteral("timeout_error"), tr("timed out")},
        {QStringLiteral("request_too_large"), tr("too large")},
        {QStringLiteral("client_closed"), tr("cancelled")},
    };
    if (r.status == 499)
        return tr("cancelled");
    if (r.errorType.isEmpty())
        return r.status == 200 ? tr("200 OK") : QString::number(r.status);
    return QStringLiteral("%1 %2").arg(r.status).arg(words.value(r.errorType, r.errorType));
}

QString RequestLogModel::detailText(const RequestRecord &r)
{
    if (!r.errorMessage.isEmpty())
        return r.errorMessage;
    if (r.status == 499)
        return tr("The client hung up before the answer was complete");
    if (r.fallbackUsed)
        return tr("Answered by a fallback deployment");
    if (r.retries > 0)
        return tr("Answered after %n retry(ies)", nullptr, r.retries);
    return {};
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time: return tr("Time");
    case Model: return tr("Requested model");
    case Deployment: return tr("Served by");
    case Status: return tr("Status");
    case InputTokens: return tr("In");
    case OutputTokens: return tr("Out");
    case Duration: return tr("Time taken");
    case FirstToken: return tr("First token");
    case Speed: return tr("Speed");
    case Route: return tr("Route");
    case Cost: return tr("Cost");
    case Detail: return tr("Details");
    default: return {};
    }
}

void RequestLogModel::addRecord(const RequestRecord &record, double costUsd)
{
    beginInsertRows({}, 0, 0);
    m_records.prepend({record, costUsd});
    endInsertRows();
    if (m_records.size() > m_capacity) {
        beginRemoveRows({}, m_capacity, int(m_records.size()) - 1);
        while (m_records.size() > m_capacity)
            m_records.removeLast();
        endRemoveRows();
    }
}

} // namespace sb
