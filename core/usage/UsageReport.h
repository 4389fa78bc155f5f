#pragma once

#include "SpendLog.h"

#include <QList>
#include <QStringList>

namespace sb {

// The spend log as tables of text, shared by `switchboard usage` and the window's Requests
// page so that both print and export the same cells.
struct UsageTable
{
    QStringList header;
    QList<QStringList> rows;

    // RFC 4180 CSV: the header, then one line per row, fields quoted when they must be.
    QString csv() const;
    // Aligned columns (the first left-aligned, the rest right-aligned), for a terminal.
    QString aligned() const;
};

namespace usage_report {

QString money(double usd);
QString csvField(const QString &value);
// One row per request, newest first as given: time, model, deployment, status, input, output
// ("~" marks an estimate), ttft_ms, total_ms, cost_usd, saved_usd.
UsageTable records(const QVector<UsageRecord> &records);
// One row per key; `withTotal` adds the sum as a last row named "total".
UsageTable totals(const QString &keyName, const QVector<SpendTotal> &totals, bool withTotal);

} // namespace usage_report
} // namespace sb
