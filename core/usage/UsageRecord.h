#pragma once

#include "RequestRecord.h"

#include <QJsonObject>
#include <QMetaType>
#include <QVector>

namespace sb {

// A finished request with its price: what the spend log keeps, the stats aggregate and the
// GUI shows.
struct UsageRecord
{
    RequestRecord request;
    double costUsd = 0;       // what this request cost (0 for local deployments unless priced)
    bool costKnown = false;   // false: a remote model with no price in the table or the config
    double claudeListUsd = 0; // the same tokens at the list price of the Claude model asked for
    double savedUsd = 0;      // claudeListUsd - costUsd; 0 when the client asked for no Claude model

    QJsonObject toJson() const;
};

} // namespace sb

Q_DECLARE_METATYPE(sb::UsageRecord)
Q_DECLARE_METATYPE(QVector<sb::UsageRecord>)
