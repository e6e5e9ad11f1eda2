#include "keykiosk/token/tokenservice.h"

#include "keykiosk/logging.h"

namespace kk {

TokenContext::TokenContext(QString modulePath) : m_modulePath(std::move(modulePath)) {}

TokenContext::~TokenContext()
{
    m_module.reset();
    m_keyStore.reset();
}

Error TokenContext::ensureLoaded()
{
    if (m_module)
        return {};
    if (!m_keyStore) {
        auto store = TokenKeyStore::open(m_modulePath);
        if (store) {
            m_keyStore = store.takeValue();
            m_keyStoreError = {};
        } else {
            m_keyStoreError = store.error();
        }
    }
    auto module = Pkcs11Module::load(m_modulePath);
    if (!module) {
        qCWarning(lcToken) << module.error().logText();
        return module.error();
    }
    m_module = module.takeValue();
    return {};
}

Expected<Pkcs11Module *> TokenContext::module()
{
    if (Error error = ensureLoaded())
        return error;
    return m_module.get();
}

Expected<TokenKeyStore *> TokenContext::keyStore()
{
    if (Error error = ensureLoaded())
        return error;
    if (!m_keyStore)
        return m_keyStoreError;
    return m_keyStore.get();
}

TokenService::TokenService(const QString &modulePath, QObject *parent)
    : QObject(parent), m_modulePath(modulePath), m_thread(new QThread(this)),
      m_anchor(std::make_unique<QObject>()), m_context(std::make_unique<TokenContext>(modulePath))
{
    m_thread->setObjectName(QStringLiteral("kk-token"));
    m_anchor->moveToThread(m_thread);
    m_thread->start();
}

bool TokenService::call(const std::function<void(TokenContext &)> &job)
{
    if (QThread::currentThread() == m_thread) {
        job(*m_context);
        return true;
    }
    std::promise<void> done;
    std::future<void> finished = done.get_future();
    {
        std::lock_guard<std::mutex> lock(m_stopMutex);
        if (m_stopping)
            return false;
        TokenContext *context = m_context.get();
        QMetaObject::invokeMethod(
            m_anchor.get(),
            [context, &job, &done] {
                job(*context);
                done.set_value();
            },
            Qt::QueuedConnection);
    }
    finished.wait();
    return true;
}

void TokenService::post(std::function<void(TokenContext &)> job)
{
    std::lock_guard<std::mutex> lock(m_stopMutex);
    if (m_stopping)
        return;
    TokenContext *context = m_context.get();
    QMetaObject::invokeMethod(
        m_anchor.get(), [context, job = std::move(job)] { job(*context); }, Qt::QueuedConnection);
}

TokenService::~TokenService()
{
    {
        // Jobs posted before this point run before the module goes; none after it.
        std::lock_guard<std::mutex> lock(m_stopMutex);
        m_stopping = true;
    }
    // The module is unloaded on the worker thread that used it, then the thread stops.
    QMetaObject::invokeMethod(
        m_anchor.get(), [this] { m_context.reset(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    m_anchor.reset(); // its thread has finished, so it may be deleted from here
}

} // namespace kk
