// One agent per session: a lock file in $XDG_RUNTIME_DIR (else the temp dir) decides who runs; a second
// start asks the running agent (QLocalServer) to show its window and exits.
#pragma once

#include <QLocalServer>
#include <QLockFile>
#include <QObject>
#include <memory>

namespace tray {

class SingleInstance : public QObject {
    Q_OBJECT
  public:
    explicit SingleInstance(QObject* parent = nullptr);
    // True when this process is the agent; false when another one runs (it was asked to show itself).
    bool acquire();
    QString lockPath() const;

  Q_SIGNALS:
    void showRequested();

  private:
    QString serverName() const;
    std::unique_ptr<QLockFile> m_lock;
    QLocalServer m_server;
};

}  // namespace tray
