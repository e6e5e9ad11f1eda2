// The token layer against a real SoftHSM2 token made fresh for each test.
#include "harness.h"

#include "keykiosk/enroll/lifecycle.h"
#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/enroll/tokenrepair.h"
#include "keykiosk/token/keypairs.h"
#include "keykiosk/token/pkcs11module.h"
#include "keykiosk/token/tokenkeystore.h"

#include <QProcess>
#include <QtTest>

#include <openssl/sha.h>
#include <openssl/x509.h>

using namespace kk;
using namespace kk::test;

namespace {
const QByteArray kPremadeId = QByteArray::fromHex("01");

std::unique_ptr<Pkcs11Module> loadModule(const QString &path = softhsmModule())
{
    auto module = Pkcs11Module::load(path);
    if (!module)
        qWarning() << module.error().logText();
    return module ? module.takeValue() : nullptr;
}

QByteArray sha1OfKeyBits(const QByteArray &spki)
{
    const auto *p = reinterpret_cast<const unsigned char *>(spki.constData());
    X509_PUBKEY *pub = d2i_X509_PUBKEY(nullptr, &p, spki.size());
    const unsigned char *bits = nullptr;
    int length = 0;
    X509_PUBKEY_get0_param(nullptr, &bits, &length, nullptr, pub);
    QByteArray digest(SHA_DIGEST_LENGTH, '\0');
    SHA1(bits, std::size_t(length), reinterpret_cast<unsigned char *>(digest.data()));
    X509_PUBKEY_free(pub);
    return digest;
}

bool verify(const QByteArray &spki, const QByteArray &data, const QByteArray &signature)
{
    const auto *p = reinterpret_cast<const unsigned char *>(spki.constData());
    EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, spki.size()));
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    return key && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
           EVP_DigestVerify(ctx.get(),
                            reinterpret_cast<const unsigned char *>(signature.constData()),
                            std::size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(data.constData()),
                            std::size_t(data.size())) == 1;
}
} // namespace

class TestPkcs11Token : public QObject
{
    Q_OBJECT
private slots:
    void listsTheTokenWithItsInfo()
    {
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        auto module = loadModule();
        QVERIFY(module);
        auto tokens = module->tokens();
        QVERIFY(tokens.ok());
        QCOMPARE(tokens->size(), 1);
        const TokenInfo &info = tokens->first();
        QCOMPARE(info.label, token.label());
        QCOMPARE(info.serial, token.serial());
        QVERIFY(!info.serial.isEmpty());
        QCOMPARE(info.manufacturer, QStringLiteral("SoftHSM project"));
        QCOMPARE(info.model, QStringLiteral("SoftHSM v2"));
        QCOMPARE(info.pinState, PinState::Ok);
        QVERIFY(info.loginRequired);
    }

    void readsCertificateAndKeysByIdAfterLogin()
    {
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        auto module = loadModule();
        auto session = module->openSession(module->tokens()->first().slotId, false);
        QVERIFY(session.ok());
        auto entries = (*session)->keyEntries();
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), 1);
        QCOMPARE(entries->first().id, kPremadeId);
        QCOMPARE(entries->first().certificateDer, token.certificateDer());
        QVERIFY(entries->first().hasPublicKey);
        QVERIFY(!entries->first().hasPrivateKey); // private objects are hidden before login

        const SecureBuffer pin = SecureBuffer::fromText("123456");
        QVERIFY(!(*session)->login(pin).error);
        entries = (*session)->keyEntries();
        QVERIFY(entries->first().hasPrivateKey);

        auto profiles = deriveProfiles(entries.value(), QDateTime::currentDateTimeUtc(), {});
        QCOMPARE(profiles.size(), 1);
        QCOMPARE(profiles.first().status, ProfileStatus::InOperation);
        QCOMPARE(profiles.first().certificate.ownerName, QStringLiteral("Иванов Иван Иванович"));
    }

    void generatedKeyNeverLeavesTheToken_data()
    {
        QTest::addColumn<KeyAlgorithm>("algorithm");
        QTest::newRow("EC P-256") << KeyAlgorithm::EcP256;
        QTest::newRow("RSA-2048") << KeyAlgorithm::Rsa2048;
    }
    void generatedKeyNeverLeavesTheToken()
    {
        QFETCH(KeyAlgorithm, algorithm);
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        auto module = loadModule();
        auto session = module->openSession(module->tokens()->first().slotId, true);
        QVERIFY(!(*session)->login(SecureBuffer::fromText("123456")).error);
        auto key = (*session)->generateKeyPair(algorithm, QStringLiteral("new key"));
        QVERIFY2(key.ok(), qPrintable(key.error().logText()));
        QCOMPARE(key->id, sha1OfKeyBits(key->publicKeySpki));

        auto protection = (*session)->privateKeyProtection(key->id);
        QVERIFY(protection.ok());
        QVERIFY(!protection->extractable);
        QVERIFY(protection->neverExtractable);
        QVERIFY(protection->sensitive);
        QVERIFY(protection->alwaysSensitive);
        QVERIFY(protection->local);
        QVERIFY(protection->isToken);
        QVERIFY(protection->isPrivate);
        QVERIFY(protection->sign);
        QVERIFY(!protection->decrypt);
        QVERIFY(!protection->unwrap);
        QVERIFY(!protection->derive);
        QVERIFY(!protection->signRecover);
        QVERIFY(!protection->copyable);
        QVector<quint64> expected;
        for (CK_MECHANISM_TYPE m : signingMechanisms(algorithm))
            expected << quint64(m);
        QCOMPARE(protection->allowedMechanisms, expected);
        QVERIFY(!protection->valueReadable);
        QVERIFY(!(*session)->checkKeyOrigin(key->id)); // the token made it and kept it

        // The public key object is kept, with the same id.
        auto spki = (*session)->publicKeySpki(key->id);
        QVERIFY(spki.ok());
        QCOMPARE(spki.value(), key->publicKeySpki);
    }

    void aPairIsMadeWholeAgainByWhatItIs_data()
    {
        // What a kill between two token calls can leave of a new key pair, on the real token.
        QTest::addColumn<KeyAlgorithm>("algorithm");
        QTest::addColumn<bool>("dropPublicHalf");
        QTest::newRow("EC: a private half alone") << KeyAlgorithm::EcP256 << true;
        QTest::newRow("EC: split ids") << KeyAlgorithm::EcP256 << false;
        QTest::newRow("RSA: a private half alone") << KeyAlgorithm::Rsa2048 << true;
        QTest::newRow("RSA: split ids") << KeyAlgorithm::Rsa2048 << false;
    }
    void aPairIsMadeWholeAgainByWhatItIs()
    {
        QFETCH(KeyAlgorithm, algorithm);
        QFETCH(bool, dropPublicHalf);
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        auto module = loadModule();
        auto session = module->openSession(module->tokens()->first().slotId, true);
        QVERIFY(!(*session)->login(SecureBuffer::fromText("123456")).error);
        auto key = (*session)->generateKeyPair(algorithm, pendingKeyLabel(kPremadeId));
        QVERIFY2(key.ok(), qPrintable(key.error().logText()));
        // Break it: the public half gone, or the private half under another id.
        auto pairs = readKeyPairs(**session);
        QVERIFY(pairs.ok());
        const auto fresh = std::find_if(pairs->begin(), pairs->end(), [&key](const KeyPair &p) {
            return p.spki == key->publicKeySpki;
        });
        QVERIFY(fresh != pairs->end() && fresh->whole());
        if (dropPublicHalf)
            QVERIFY(!destroyObject(**session, *fresh->publicKey));
        else
            QVERIFY(!setObjectId(**session, *fresh->privateKey, QByteArray::fromHex("0badbeef")));

        // Read again: the halves are paired by their keys (a lone EC private key gets its
        // public key back from its own signatures), and the plan repairs them.
        pairs = readKeyPairs(**session);
        QVERIFY(pairs.ok());
        const auto broken = std::find_if(pairs->begin(), pairs->end(), [&key](const KeyPair &p) {
            return p.spki == key->publicKeySpki;
        });
        QVERIFY2(broken != pairs->end(), "the private half's public key was not recovered");
        QVERIFY(broken->privateKey);
        QCOMPARE(broken->publicKeyRecovered, dropPublicHalf && algorithm == KeyAlgorithm::EcP256);
        const RepairPlan plan = planRepairs(*pairs);
        QVERIFY(!plan.isEmpty());
        for (const RepairAction &action : plan.actions)
            QVERIFY(action.kind != RepairAction::Kind::Destroy); // nothing of it is removed
        QVERIFY(!carryOut(**session, plan));

        pairs = readKeyPairs(**session);
        QVERIFY(pairs.ok());
        const auto whole = std::find_if(pairs->begin(), pairs->end(), [&key](const KeyPair &p) {
            return p.spki == key->publicKeySpki;
        });
        QVERIFY(whole != pairs->end() && whole->whole());
        QCOMPARE(whole->privateKey->id, key->id);
        QCOMPARE(whole->publicKey->id, key->id);
        QCOMPARE(whole->publicKey->label, pendingKeyLabel(kPremadeId));
        QVERIFY(planRepairs(*pairs).isEmpty());
        // The repaired pair still signs, and the token still vouches for the private key.
        QVERIFY(!(*session)->checkKeyOrigin(key->id));
        auto spki = (*session)->publicKeySpki(key->id);
        QVERIFY(spki.ok());
        QCOMPARE(spki.value(), key->publicKeySpki);
    }

    void anImportedKeyIsNotTrusted()
    {
        // A key written to the token from outside (here: generated by OpenSSL, then stored with
        // C_CreateObject) carries no CKA_LOCAL, whatever its label says.
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        auto module = loadModule();
        auto session = module->openSession(module->tokens()->first().slotId, true);
        QVERIFY(!(*session)->login(SecureBuffer::fromText("123456")).error);
        const QByteArray id = QByteArray::fromHex("aabbcc");
        QVERIFY(writeImportedKey(module->functions(), (*session)->handle(), id, "kk-pending 01"));
        const Error untrusted = (*session)->checkKeyOrigin(id);
        QCOMPARE(untrusted.code, ErrorCode::KeyNotTrusted);
        QVERIFY2(untrusted.detail.contains(QStringLiteral("LOCAL 0")),
                 qPrintable(untrusted.detail));
    }

    void wrongPinReportsTheTokensFlagsThenLocks()
    {
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        auto module = loadModule(token.lockingModule());
        QVERIFY(module);
        const CK_SLOT_ID slot = module->tokens()->first().slotId;
        auto session = module->openSession(slot, false);
        const SecureBuffer wrong = SecureBuffer::fromText("000000");

        LoginOutcome first = (*session)->login(wrong);
        QCOMPARE(first.error.code, ErrorCode::PinIncorrect);
        QCOMPARE(first.pinState, PinState::CountLow);
        QVERIFY2(first.error.detail.contains(QStringLiteral("CKR_PIN_INCORRECT")),
                 qPrintable(first.error.detail));
        QVERIFY2(first.error.detail.contains(QStringLiteral("CountLow")),
                 qPrintable(first.error.detail));
        QVERIFY(!first.error.detail.contains(QStringLiteral("000000")));

        LoginOutcome second = (*session)->login(wrong);
        QCOMPARE(second.error.code, ErrorCode::PinIncorrect);
        QCOMPARE(second.pinState, PinState::FinalTry);
        QCOMPARE(module->tokenInfo(slot)->pinState, PinState::FinalTry);

        LoginOutcome third = (*session)->login(wrong);
        QCOMPARE(third.error.code, ErrorCode::PinLocked);
        QCOMPARE(third.pinState, PinState::Locked);
        QCOMPARE(module->tokenInfo(slot)->pinState, PinState::Locked);

        // Even the right PIN is refused now: the token is locked.
        LoginOutcome right = (*session)->login(SecureBuffer::fromText("123456"));
        QCOMPARE(right.error.code, ErrorCode::PinLocked);
        QCOMPARE(errorId(right.error.code), QStringLiteral("KK-106"));
    }

    void aWrongPinNeverPassesOnALoggedInToken()
    {
        // A renewal waiting for the bank keeps the token logged in (a login belongs to the
        // application); a PIN typed meanwhile is still the token's to judge, and it counts.
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        auto module = loadModule(token.lockingModule());
        QVERIFY(module);
        const CK_SLOT_ID slot = module->tokens()->first().slotId;
        auto waiting = module->openSession(slot, true);
        QVERIFY(!(*waiting)->login(SecureBuffer::fromText("123456")).error);
        QVERIFY((*waiting)->keyEntries()->first().hasPrivateKey);

        auto other = module->openSession(slot, false);
        LoginOutcome wrong = (*other)->login(SecureBuffer::fromText("000000"));
        QCOMPARE(wrong.error.code, ErrorCode::PinIncorrect);
        QCOMPARE(wrong.pinState, PinState::CountLow);
        QCOMPARE(module->tokenInfo(slot)->pinState, PinState::CountLow);
        // The wrong PIN ended the earlier login: private keys are hidden again.
        QVERIFY(!(*waiting)->keyEntries()->first().hasPrivateKey);

        LoginOutcome right = (*other)->login(SecureBuffer::fromText("123456"));
        QVERIFY2(!right.error, qPrintable(right.error.logText()));
        QCOMPARE(right.pinState, PinState::Ok);
        // The same session typing the right PIN again is checked again too, and passes.
        QVERIFY(!(*other)->login(SecureBuffer::fromText("123456")).error);
        QCOMPARE((*other)->login(SecureBuffer::fromText("111111")).error.code,
                 ErrorCode::PinIncorrect);
    }

    void rightPinResetsTheCounter()
    {
        TestToken token;
        auto module = loadModule(token.lockingModule());
        const CK_SLOT_ID slot = module->tokens()->first().slotId;
        auto session = module->openSession(slot, false);
        QCOMPARE((*session)->login(SecureBuffer::fromText("999999")).pinState, PinState::CountLow);
        LoginOutcome ok = (*session)->login(SecureBuffer::fromText("123456"));
        QVERIFY(!ok.error);
        QCOMPARE(ok.pinState, PinState::Ok);
    }

    void plainSoftHsmWrongPin()
    {
        TestToken token;
        auto module = loadModule();
        auto session = module->openSession(module->tokens()->first().slotId, false);
        LoginOutcome outcome = (*session)->login(SecureBuffer::fromText("1"));
        QVERIFY(outcome.error.code == ErrorCode::PinIncorrect ||
                outcome.error.code == ErrorCode::PinInvalid);
    }

    void signsOnTheTokenThroughEvpPkey()
    {
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        // libp11 first: it owns C_Initialize; the raw module shares it.
        auto store = TokenKeyStore::open(softhsmModule());
        QVERIFY2(store.ok(), qPrintable(store.error().logText()));
        auto module = loadModule();
        QVERIFY(module);
        const SecureBuffer pin = SecureBuffer::fromText("123456");
        auto session = module->openSession(module->tokens()->first().slotId, true);
        // libp11 is never given the PIN (it would keep a copy): until our session logs the
        // token in, it finds no private key.
        QCOMPARE((*store)->privateKey(token.serial(), kPremadeId).error().code,
                 ErrorCode::ObjectNotFound);
        QVERIFY(!(*session)->login(pin).error);
        auto fresh = (*session)->generateKeyPair(KeyAlgorithm::EcP256, QStringLiteral("fresh"));
        QVERIFY(fresh.ok());

        for (const QByteArray &id : {kPremadeId, fresh->id}) {
            auto key = (*store)->privateKey(token.serial(), id);
            QVERIFY2(key.ok(), qPrintable(key.error().logText()));
            const QByteArray data = "request to the bank " + id.toHex();
            EvpMdCtxPtr ctx(EVP_MD_CTX_new());
            std::size_t length = 0;
            QCOMPARE(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->get()), 1);
            QCOMPARE(EVP_DigestSign(ctx.get(), nullptr, &length,
                                    reinterpret_cast<const unsigned char *>(data.constData()),
                                    std::size_t(data.size())),
                     1);
            QByteArray signature(int(length), '\0');
            QCOMPARE(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()),
                                    &length,
                                    reinterpret_cast<const unsigned char *>(data.constData()),
                                    std::size_t(data.size())),
                     1);
            signature.resize(int(length));
            auto spki = (*session)->publicKeySpki(id);
            QVERIFY2(spki.ok(), qPrintable(spki.error().logText()));
            QVERIFY(verify(spki.value(), data, signature));
            QVERIFY(!verify(spki.value(), data + "!", signature));
        }
        auto missing = (*store)->privateKey(token.serial(), QByteArray::fromHex("ff"));
        QCOMPARE(missing.error().code, ErrorCode::ObjectNotFound);
        auto otherToken = (*store)->privateKey(QStringLiteral("no-such-serial"), kPremadeId);
        QCOMPARE(otherToken.error().code, ErrorCode::TokenRemoved);
    }

    void storesACertificateUnderTheKeyId()
    {
        TestToken token;
        auto module = loadModule();
        auto session = module->openSession(module->tokens()->first().slotId, true);
        QVERIFY(!(*session)->login(SecureBuffer::fromText("123456")).error);
        auto key = (*session)->generateKeyPair(KeyAlgorithm::EcP256, QStringLiteral("renewed"));
        QVERIFY(key.ok());

        QTemporaryDir scratch;
        QFile spki(scratch.filePath(QStringLiteral("new.pub.der")));
        QVERIFY(spki.open(QIODevice::WriteOnly));
        spki.write(key->publicKeySpki);
        spki.close();
        const int rc = QProcess::execute(
            harnessPath("testpki"),
            {QStringLiteral("issue"), QStringLiteral("--dir"), token.dir() + QStringLiteral("/ca"),
             QStringLiteral("--spki"), spki.fileName(), QStringLiteral("--out"),
             scratch.filePath(QStringLiteral("new.der")), QStringLiteral("--cn"),
             QStringLiteral("Renewed")});
        QCOMPARE(rc, 0);
        QFile certFile(scratch.filePath(QStringLiteral("new.der")));
        QVERIFY(certFile.open(QIODevice::ReadOnly));
        const QByteArray cert = certFile.readAll();

        QVERIFY(!(*session)->storeCertificate(cert, key->id, QStringLiteral("Renewed")));
        auto entries = (*session)->keyEntries();
        QCOMPARE(entries->size(), 2); // the old key and certificate stay
        bool found = false;
        for (const TokenKeyEntry &entry : entries.value()) {
            if (entry.id == key->id) {
                found = true;
                QCOMPARE(entry.certificateDer, cert);
                QVERIFY(entry.hasPrivateKey && entry.hasPublicKey);
            }
        }
        QVERIFY(found);
        QCOMPARE((*session)->storeCertificate("garbage", key->id, {}).code,
                 ErrorCode::CertificateUnparseable);
    }

    void seedsTheTokenRng()
    {
        TestToken token;
        auto module = loadModule();
        auto session = module->openSession(module->tokens()->first().slotId, false);
        const unsigned char seed[32] = {1, 2, 3};
        QCOMPARE((*session)->seedRandom(seed, sizeof seed), SeedOutcome::Seeded);
    }

    void missingOrBrokenModule()
    {
        auto missing = Pkcs11Module::load(QStringLiteral("/nonexistent/libpkcs11.so"));
        QCOMPARE(missing.error().code, ErrorCode::ModuleNotFound);
        auto notPkcs11 = Pkcs11Module::load(QStringLiteral(KK_LIBC_PATH));
        QCOMPARE(notPkcs11.error().code, ErrorCode::ModuleBroken);
        QTemporaryDir dir;
        QFile garbage(dir.filePath(QStringLiteral("broken.so")));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("\x7f"
                      "ELF not really");
        garbage.close();
        auto broken = Pkcs11Module::load(garbage.fileName());
        QCOMPARE(broken.error().code, ErrorCode::ModuleBroken);
        QVERIFY(!clientMessage(broken.error().code).isEmpty());
        QCOMPARE(TokenKeyStore::open(QStringLiteral("/nonexistent.so")).error().code,
                 ErrorCode::ModuleNotFound);
    }

    void tokenWithoutOrWithBrokenCertificate()
    {
        {
            TokenOptions options;
            options.withCertificate = false;
            TestToken token(options);
            QVERIFY2(token.isValid(), qPrintable(token.error()));
            auto module = loadModule();
            auto session = module->openSession(module->tokens()->first().slotId, false);
            auto rows = deriveProfiles((*session)->keyEntries().value(),
                                       QDateTime::currentDateTimeUtc(), {});
            QCOMPARE(rows.size(), 1);
            QCOMPARE(rows.first().status, ProfileStatus::InitialGenerationNeeded);
            QCOMPARE(rows.first().error.code, ErrorCode::NoCertificate);
        }
        {
            TokenOptions options;
            options.withCertificate = false;
            TestToken token(options);
            QVERIFY2(token.isValid(), qPrintable(token.error()));
            QVERIFY(token.writeUnparseableCertificate(kPremadeId));
            auto module = loadModule();
            auto session = module->openSession(module->tokens()->first().slotId, false);
            auto rows = deriveProfiles((*session)->keyEntries().value(),
                                       QDateTime::currentDateTimeUtc(), {});
            QCOMPARE(rows.size(), 1);
            QCOMPARE(rows.first().error.code, ErrorCode::CertificateUnparseable);
        }
    }

    void ckrMapping()
    {
        QCOMPARE(errorCodeFromCkr(CKR_DEVICE_REMOVED), ErrorCode::TokenRemoved);
        QCOMPARE(errorCodeFromCkr(CKR_TOKEN_NOT_PRESENT), ErrorCode::TokenRemoved);
        QCOMPARE(errorCodeFromCkr(CKR_SESSION_HANDLE_INVALID), ErrorCode::TokenRemoved);
        QCOMPARE(errorCodeFromCkr(CKR_PIN_LOCKED), ErrorCode::PinLocked);
        QCOMPARE(ckrName(CKR_PIN_INCORRECT), QStringLiteral("CKR_PIN_INCORRECT"));
        QCOMPARE(ckrName(0x80001234UL), QStringLiteral("CKR_0x80001234"));
    }
};

QTEST_GUILESS_MAIN(TestPkcs11Token)
#include "tst_pkcs11token.moc"
