#include "ModelCatalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

// Outside any namespace, as Q_INIT_RESOURCE requires: the catalog lives in the static
// switchboard_resources library, and this reference is what links it in.
static void initModelCatalogResource()
{
    Q_INIT_RESOURCE(switchboard_models);
}

namespace sb {

const CatalogQuantization *CatalogModel::defaultQuantization() const
{
    for (const CatalogQuantization &q : quantizations) {
        if (q.isDefault)
            return &q;
    }
    return quantizations.isEmpty() ? nullptr : &quantizations.first();
}

ModelCatalog ModelCatalog::builtIn()
{
    initModelCatalogResource();
    QFile file(QStringLiteral(":/switchboard/models.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return fromJson(file.readAll()).valueOr(ModelCatalog());
}

Expected<ModelCatalog, QString> ModelCatalog::fromJson(const QByteArray &json)
{
    ModelCatalog catalog;
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return unexpected(QStringLiteral("model catalog is not valid JSON at offset %1: %2")
                              .arg(parseError.offset)
                              .arg(parseError.errorString()));
    const QJsonObject root = doc.object();
    catalog.m_contextTarget = root.value(QLatin1String("context_target_tokens")).toInt(32768);
    for (const QJsonValue &entry : root.value(QLatin1String("models")).toArray()) {
        const QJsonObject object = entry.toObject();
        CatalogModel model;
        model.name = object.value(QLatin1String("name")).toString();
        if (model.name.isEmpty())
            continue;
        model.family = object.value(QLatin1String("family")).toString();
        model.parametersBillion = object.value(QLatin1String("parameters_billion")).toDouble();
        model.contextLength = object.value(QLatin1String("context_length")).toInt();
        model.tools = object.value(QLatin1String("tools")).toBool();
        model.agenticRank = object.value(QLatin1String("agentic_rank")).toInt();
        for (const QJsonValue &role : object.value(QLatin1String("roles")).toArray())
            model.roles.append(role.toString());
        model.kvBytesPerToken = qint64(object.value(QLatin1String("kv_bytes_per_token")).toDouble());
        model.note = object.value(QLatin1String("note")).toString();
        for (const QJsonValue &q : object.value(QLatin1String("quantizations")).toArray()) {
            const QJsonObject qo = q.toObject();
            model.quantizations.append(CatalogQuantization{
                qo.value(QLatin1String("name")).toString(),
                qint64(qo.value(QLatin1String("size_gb")).toDouble() * 1e9),
                qo.value(QLatin1String("default")).toBool(),
            });
        }
        catalog.m_models.append(model);
    }
    if (catalog.m_models.isEmpty())
        return unexpected(QStringLiteral("model catalog lists no models"));
    return catalog;
}

const QList<CatalogModel> &ModelCatalog::models() const
{
    return m_models;
}

int ModelCatalog::contextTargetTokens() const
{
    return m_contextTarget;
}

const CatalogModel *ModelCatalog::find(const QString &name) const
{
    for (const CatalogModel &model : m_models) {
        if (model.name == name)
            return &model;
    }
    return nullptr;
}

} // namespace sb
