// Card work off the GUI thread. CardWorker lives in its own QThread and owns the client::Client; the GUI
// posts jobs to it (post()) and gets results back as queued calls on the GUI thread. EventWatcher is a
// second thread blocked in Client::waitForEvents that tells the worker (queued signal) when a card or
// reader changed, so a status read follows each insert/remove at once. The card is held only for the
// short transactions core/token runs; nothing here keeps a connection or a PIN.
#pragma once

#include <QObject>
#include <QPointer>
#include <QThread>
#include <QVector>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "core/client/client.h"

namespace tray {

using TokenList = std::vector<client::TokenStatus>;

class CardWorker : public QObject {
    Q_OBJECT
  public:
    explicit CardWorker(std::unique_ptr<client::Client> client);
    ~CardWorker() override;

    // Runs `work` on the worker thread, then `done(result)` on `receiver`'s thread (dropped when the
    // receiver is gone by then).
    template <typename R>
    void post(std::function<R(client::Client&)> work, QObject* receiver, std::function<void(R)> done) {
        QMetaObject::invokeMethod(
            this,
            [this, work = std::move(work), receiver = QPointer<QObject>(receiver),
             done = std::move(done)]() mutable {
                auto result = std::make_shared<R>(work(*m_client));
                Q_EMIT workDone();
                if (!receiver) return;
                QMetaObject::invokeMethod(
                    receiver.data(), [done = std::move(done), result] { done(std::move(*result)); },
                    Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
    }

    client::Client& clientForWatcher() { return *m_client; }

  public Q_SLOTS:
    // Reads every token's status and emits tokensRead (or readFailed).
    void refresh();

  Q_SIGNALS:
    void tokensRead(const tray::TokenList& tokens, const QStringList& problems);
    void readFailed(const QString& reason);
    void workDone();  // after each posted job: the token list is re-read

  private:
    std::unique_ptr<client::Client> m_client;
};

class EventWatcher : public QThread {
    Q_OBJECT
  public:
    explicit EventWatcher(client::Client& client) : m_client(client) {}
    void stop();

  Q_SIGNALS:
    void changed();

  protected:
    void run() override;

  private:
    client::Client& m_client;
    std::atomic<bool> m_stop{false};
};

}  // namespace tray

Q_DECLARE_METATYPE(tray::TokenList)
