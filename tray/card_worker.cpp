#include "tray/card_worker.h"

#include <QPointer>

namespace tray {

CardWorker::CardWorker(std::unique_ptr<client::Client> client) : m_client(std::move(client)) {
    qRegisterMetaType<tray::TokenList>("tray::TokenList");
    // Cards change under a PIN change or enrolment: show the new state after every job.
    connect(this, &CardWorker::workDone, this, &CardWorker::refresh, Qt::QueuedConnection);
}

CardWorker::~CardWorker() = default;

void CardWorker::refresh() {
    std::vector<std::string> problems;
    auto tokens = m_client->tokens(&problems);
    if (!tokens) {
        Q_EMIT readFailed(QString::fromStdString(tokens.error().describe()));
        return;
    }
    QStringList p;
    for (const auto& s : problems) p << QString::fromStdString(s);
    Q_EMIT tokensRead(*tokens, p);
}

void EventWatcher::stop() {
    m_stop = true;
    m_client.cancelWait();
}

void EventWatcher::run() {
    while (!m_stop) {
        auto ev = m_client.waitForEvents(2000);
        if (m_stop) break;
        if (ev) {
            Q_EMIT changed();
        } else if (ev.error().code == core::Errc::Timeout) {
            continue;
        } else if (ev.error().code == core::Errc::Cancelled) {
            continue;  // stop() sets m_stop first
        } else {
            // pcscd gone or another waiter: try again shortly without spinning.
            QThread::msleep(500);
        }
    }
}

}  // namespace tray
