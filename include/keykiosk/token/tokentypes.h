#pragma once
// Plain data the token layer hands out. Nothing here holds a secret.

#include "keykiosk/enums.h"
#include <QByteArray>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace kk {

PinState pinStateFromFlags(unsigned long tokenFlags);

struct TokenInfo
{
    unsigned long slotId = 0;
    QString slotDescription;
    QString label;
    QString serial;
    QString model;
    QString manufacturer;
    unsigned long flags = 0;
    PinState pinState = PinState::Ok;
    bool loginRequired = true;
    bool writeProtected = false;
    unsigned long minPinLength = 0;
    unsigned long maxPinLength = 0;
};

// The objects on a token that share one CKA_ID: a key pair and its certificate.
struct TokenKeyEntry
{
    QByteArray id;
    QString label;              // the keys' label: the private key's, else the public key's
    QStringList keyLabels;      // every key object's label, the private key's first
    bool hasPrivateKey = false; // only visible after login on most tokens
    bool hasPublicKey = false;
    unsigned long keyType = ~0UL; // CKK_*, ~0 when unknown
    QByteArray certificateDer;
    QString certificateLabel;
};

// What the token says about how a private key is protected.
struct KeyProtection
{
    bool isToken = false;
    bool isPrivate = false;
    bool sensitive = false;
    bool alwaysSensitive = false;
    bool extractable = true;
    bool neverExtractable = false;
    bool local = false;
    bool sign = false;
    bool decrypt = true;
    bool unwrap = true;
    bool derive = true;
    bool signRecover = true;
    bool copyable = true;
    QVector<quint64> allowedMechanisms; // empty: the token allows every mechanism
    bool valueReadable = true;          // reading CKA_VALUE succeeded (it must not)
};

struct GeneratedKey
{
    QByteArray id;            // SHA-1 of the public key bits (SubjectKeyIdentifier method 1)
    QByteArray publicKeySpki; // DER SubjectPublicKeyInfo
    KeyAlgorithm algorithm = KeyAlgorithm::EcP256;
};

} // namespace kk

Q_DECLARE_METATYPE(kk::TokenInfo)
