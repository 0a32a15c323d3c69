#include "tray/single_instance.h"

#include <unistd.h>

#include <QDir>
#include <QLocalSocket>
#include <QStandardPaths>

namespace tray {

SingleInstance::SingleInstance(QObject* parent) : QObject(parent) {}

QString SingleInstance::lockPath() const {
    QString dir = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (dir.isEmpty()) dir = QDir::tempPath();
    return QDir(dir).filePath(QStringLiteral("mesign-tray.lock"));
}

QString SingleInstance::serverName() const {
    return QDir(QFileInfo(lockPath()).absolutePath()).filePath(QStringLiteral("mesign-tray.socket"));
}

bool SingleInstance::acquire() {
    m_lock = std::make_unique<QLockFile>(lockPath());
    // Never stale by age (a running agent keeps it for days); a lock whose process is gone is stale anyway.
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(200)) {
        QLocalSocket s;
        s.connectToServer(serverName());
        if (s.waitForConnected(1000)) {
            s.write("show\n");
            s.waitForBytesWritten(1000);
        }
        return false;
    }
    QLocalServer::removeServer(serverName());
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    m_server.listen(serverName());
    connect(&m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket* c = m_server.nextPendingConnection()) {
            connect(c, &QLocalSocket::readyRead, this, [this, c] {
                if (c->readAll().startsWith("show")) Q_EMIT showRequested();
                c->disconnectFromServer();
            });
            connect(c, &QLocalSocket::disconnected, c, &QObject::deleteLater);
        }
    });
    return true;
}

}  // namespace tray
