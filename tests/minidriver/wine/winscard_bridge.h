// The Linux side of the Wine end-to-end test: serves winscard_wire.h requests from the test winscard.dll
// on 127.0.0.1 (an ephemeral port) by calling pcsc-lite, one client connection at a time, on its own
// thread inside the test process. Contexts a client established and did not release are released when
// it disconnects (a crashed Wine process leaves no transaction or handle behind).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace wirescard {

class Bridge {
  public:
    Bridge() = default;
    Bridge(const Bridge&) = delete;
    Bridge& operator=(const Bridge&) = delete;
    ~Bridge() { stop(); }

    // Listens on 127.0.0.1:0 and starts serving; returns the port, 0 on failure (see error()).
    uint16_t start();
    void stop();
    // Requests served so far (all clients), for the test to see the forwarding was used.
    unsigned requests() const { return m_requests.load(); }
    const std::string& error() const { return m_error; }

  private:
    void serve();
    void serveClient(int fd);

    int m_listen = -1;
    std::atomic<int> m_client{-1};
    std::atomic<bool> m_stop{false};
    std::atomic<unsigned> m_requests{0};
    std::thread m_thread;
    std::string m_error;
};

}  // namespace wirescard
