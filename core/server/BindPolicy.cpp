#include "BindPolicy.h"

#include <QHostAddress>

namespace sb {

bool BindPolicy::isLoopback(const QString &host)
{
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

Expected<void, QString> BindPolicy::checkListen(const QString &host, const QString &masterKey)
{
    if (isLoopback(host) || !masterKey.isEmpty())
        return {};
    return unexpected(QStringLiteral("refusing to listen on %1 without general_settings.master_key: anyone "
                                     "on the network could use your models and keys. Set a master_key, or "
                                     "listen on 127.0.0.1")
                          .arg(host));
}

Expected<quint16, QString> BindPolicy::parsePort(const QString &text)
{
    bool ok = false;
    const int port = text.toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return unexpected(QStringLiteral("takes a number from 0 to 65535"));
    return quint16(port);
}

QString BindPolicy::localDialHost(const QString &host)
{
    if (host == QLatin1String("0.0.0.0") || host == QLatin1String("::"))
        return QStringLiteral("127.0.0.1");
    return host;
}

} // namespace sb
