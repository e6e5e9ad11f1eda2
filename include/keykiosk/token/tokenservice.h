#pragma once
// All token I/O runs on one worker thread owned by this service; the GUI thread only posts
// jobs and receives results, and never waits on a token (docs/architecture.md, "Threads").

#include "keykiosk/expected.h"
#include "keykiosk/token/pkcs11module.h"
#include "keykiosk/token/tokenkeystore.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <functional>
#include <future>
#include <memory>
#include <mutex>

namespace kk {

// What a job sees on the worker thread. Loading is lazy and a failed load is retried on
// the next job, so a module that was missing at start-up is picked up once installed.
class TokenContext
{
public:
    explicit TokenContext(QString modulePath);
    ~TokenContext();

    Expected<Pkcs11Module *> module();
    Expected<TokenKeyStore *> keyStore();
    const QString &modulePath() const { return m_modulePath; }

private:
    Error ensureLoaded();

    QString m_modulePath;
    // Order matters: the key store (libp11) initializes the module first and finalizes
    // it last, so the raw module is declared after it and destroyed before it.
    std::unique_ptr<TokenKeyStore> m_keyStore;
    std::unique_ptr<Pkcs11Module> m_module;
    Error m_keyStoreError;
};

class TokenService : public QObject
{
    Q_OBJECT
public:
    explicit TokenService(const QString &modulePath, QObject *parent = nullptr);
    ~TokenService() override;

    QString modulePath() const { return m_modulePath; }
    QThread *workerThread() const { return m_thread; }

    // Runs `job` on the token thread; `done` gets its result on `receiver`'s thread.
    // If the receiver is gone by then, the result is dropped.
    template <typename Result>
    void run(QObject *receiver, std::function<Result(TokenContext &)> job,
             std::function<void(Result)> done)
    {
        QPointer<QObject> guard(receiver);
        TokenContext *context = m_context.get();
        QMetaObject::invokeMethod(
            m_anchor.get(),
            [context, guard, job = std::move(job), done = std::move(done)] {
                auto result = std::make_shared<Result>(job(*context));
                if (guard)
                    QMetaObject::invokeMethod(
                        guard.data(), [result, done] { done(std::move(*result)); },
                        Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
    }

    // Runs `job` on the token thread and waits for it. Only for the bank's thread, whose
    // exchange needs a signature or a certificate written in the middle of it; the GUI thread
    // never waits for the token (it posts with run()). On the token thread itself the job
    // runs at once. False when the service is shutting down (the job did not run).
    bool call(const std::function<void(TokenContext &)> &job);
    // Runs `job` on the token thread with no answer (releasing what a journey held).
    void post(std::function<void(TokenContext &)> job);

private:
    QString m_modulePath;
    std::mutex m_stopMutex; // orders call()/post() against the shutdown's last job
    bool m_stopping = false;
    QThread *m_thread;
    std::unique_ptr<QObject> m_anchor; // lives on m_thread; jobs are posted to it
    std::unique_ptr<TokenContext> m_context;
};

} // namespace kk
