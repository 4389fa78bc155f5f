#pragma once

#include "Expected.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace sb {

struct CatalogQuantization
{
    QString name;
    qint64 sizeBytes = 0;
    bool isDefault = false;
};

struct CatalogModel
{
    QString name; // Ollama tag, e.g. "qwen2.5-coder:14b"
    QString family;
    double parametersBillion = 0;
    int contextLength = 0;
    bool tools = false;
    int agenticRank = 0;
    QStringList roles; // "main", "small"
    qint64 kvBytesPerToken = 0;
    QList<CatalogQuantization> quantizations;
    QString note;

    const CatalogQuantization *defaultQuantization() const;
};

// The catalog of models the advice knows (resources/models.json, embedded).
class ModelCatalog final
{
public:
    static ModelCatalog builtIn();
    // Parses catalog JSON, or says where it is broken.
    static Expected<ModelCatalog, QString> fromJson(const QByteArray &json);

    const QList<CatalogModel> &models() const;
    int contextTargetTokens() const;
    const CatalogModel *find(const QString &name) const;

private:
    QList<CatalogModel> m_models;
    int m_contextTarget = 32768;
};

} // namespace sb
