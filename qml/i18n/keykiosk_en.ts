<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AcceptanceActScreen</name>
    <message>
        <source>Acceptance act</source>
        <translation>Acceptance act</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>ActPanel</name>
    <message>
        <source>Print the act in two copies. Sign it, have the head of your organization sign and stamp it, and bring it to the bank.</source>
        <translation>Print the act in two copies. Sign it, have the head of your organization sign and stamp it, and bring it to the bank.</translation>
    </message>
    <message>
        <source>Print again</source>
        <translation>Print again</translation>
    </message>
    <message>
        <source>Print the act</source>
        <translation>Print the act</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <source>The act has been printed. Take both copies from the printer.</source>
        <translation>The act has been printed. Take both copies from the printer.</translation>
    </message>
</context>
<context>
    <name>CertificateReceivedScreen</name>
    <message>
        <source>Certificate received</source>
        <translation>Certificate received</translation>
    </message>
    <message>
        <source>The bank registered your new key. The new certificate has been written to your token.</source>
        <translation>The bank registered your new key. The new certificate has been written to your token.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continue</translation>
    </message>
</context>
<context>
    <name>ChecklistScreen</name>
    <message>
        <source>Recovery of an expired key</source>
        <translation>Recovery of an expired key</translation>
    </message>
    <message>
        <source>First key for a registered client</source>
        <translation>First key for a registered client</translation>
    </message>
    <message>
        <source>Replacement of a lost or broken token</source>
        <translation>Replacement of a lost or broken token</translation>
    </message>
    <message>
        <source>The client&apos;s certificate on the lost token is revoked when the new one is confirmed. The bank finds the client by the SNILS and INN.</source>
        <translation>The client&apos;s certificate on the lost token is revoked when the new one is confirmed. The bank finds the client by the SNILS and INN.</translation>
    </message>
    <message>
        <source>The bank finds the client in its register by the SNILS and INN.</source>
        <translation>The bank finds the client in its register by the SNILS and INN.</translation>
    </message>
    <message>
        <source>Client: %1, identifier %2</source>
        <translation>Client: %1, identifier %2</translation>
    </message>
    <message>
        <source>Identity document checked</source>
        <translation>Identity document checked</translation>
    </message>
    <message>
        <source>Signed and stamped application received</source>
        <translation>Signed and stamped application received</translation>
    </message>
    <message>
        <source>Application number</source>
        <translation>Application number</translation>
    </message>
    <message>
        <source>Application date (DD.MM.YYYY)</source>
        <translation>Application date (DD.MM.YYYY)</translation>
    </message>
    <message>
        <source>Client&apos;s SNILS</source>
        <translation>Client&apos;s SNILS</translation>
    </message>
    <message>
        <source>Organization&apos;s INN</source>
        <translation>Organization&apos;s INN</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Confirm: the client continues</source>
        <translation>Confirm: the client continues</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <source>You now work with your new set of keys</source>
        <translation>You now work with your new set of keys</translation>
    </message>
    <message>
        <source>Back to my token</source>
        <translation>Back to my token</translation>
    </message>
    <message>
        <source>Remove your token when the act is printed. Thank you!</source>
        <translation>Remove your token when the act is printed. Thank you!</translation>
    </message>
    <message>
        <source>Back to the signers</source>
        <translation>Back to the signers</translation>
    </message>
</context>
<context>
    <name>EntropyPad</name>
    <message>
        <source>Draw here with your finger until the bar is full. This makes your new key unpredictable.</source>
        <translation>Draw here with your finger until the bar is full. This makes your new key unpredictable.</translation>
    </message>
    <message>
        <source>Please keep drawing, with curves and changes of direction.</source>
        <translation>Please keep drawing, with curves and changes of direction.</translation>
    </message>
    <message>
        <source>Drawing area: draw here with your finger</source>
        <translation>Drawing area: draw here with your finger</translation>
    </message>
</context>
<context>
    <name>EntropyScreen</name>
    <message>
        <source>Draw on the screen</source>
        <translation>Draw on the screen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The token software is not installed on this kiosk. Please ask the staff for help.</source>
        <translation>The token software is not installed on this kiosk. Please ask the staff for help.</translation>
    </message>
    <message>
        <source>The token software on this kiosk does not work. Please ask the staff for help.</source>
        <translation>The token software on this kiosk does not work. Please ask the staff for help.</translation>
    </message>
    <message>
        <source>No token found. Please insert your token.</source>
        <translation>No token found. Please insert your token.</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>Wrong PIN.</translation>
    </message>
    <message>
        <source>The PIN is locked after too many wrong attempts. Please see the staff.</source>
        <translation>The PIN is locked after too many wrong attempts. Please see the staff.</translation>
    </message>
    <message>
        <source>The PIN has a wrong length or contains invalid characters.</source>
        <translation>The PIN has a wrong length or contains invalid characters.</translation>
    </message>
    <message>
        <source>The PIN has expired and must be changed. Please see the staff.</source>
        <translation>The PIN has expired and must be changed. Please see the staff.</translation>
    </message>
    <message>
        <source>Please enter the PIN first.</source>
        <translation>Please enter the PIN first.</translation>
    </message>
    <message>
        <source>The key was not found on the token.</source>
        <translation>The key was not found on the token.</translation>
    </message>
    <message>
        <source>The token is write-protected.</source>
        <translation>The token is write-protected.</translation>
    </message>
    <message>
        <source>The token reported an error. Please try again or see the staff.</source>
        <translation>The token reported an error. Please try again or see the staff.</translation>
    </message>
    <message>
        <source>The token holds no certificate. An initial key generation is needed: please see the staff.</source>
        <translation>The token holds no certificate. An initial key generation is needed: please see the staff.</translation>
    </message>
    <message>
        <source>A certificate on the token cannot be read. Please see the staff.</source>
        <translation>A certificate on the token cannot be read. Please see the staff.</translation>
    </message>
    <message>
        <source>The card reader service is not available. The kiosk will recover by itself.</source>
        <translation>The card reader service is not available. The kiosk will recover by itself.</translation>
    </message>
    <message>
        <source>This device is not a supported token. Please remove it and insert your token.</source>
        <translation>This device is not a supported token. Please remove it and insert your token.</translation>
    </message>
    <message>
        <source>More than one token is inserted. Please leave only one.</source>
        <translation>More than one token is inserted. Please leave only one.</translation>
    </message>
    <message>
        <source>Something went wrong. Please see the staff.</source>
        <translation>Something went wrong. Please see the staff.</translation>
    </message>
    <message>
        <source>The bank refused the registration.</source>
        <translation>The bank refused the registration.</translation>
    </message>
    <message>
        <source>Your key has expired and cannot renew itself. Please see the staff: a new key set is made at the branch.</source>
        <translation>Your key has expired and cannot renew itself. Please see the staff: a new key set is made at the branch.</translation>
    </message>
    <message>
        <source>Your certificate has been revoked. Please see the staff.</source>
        <translation>Your certificate has been revoked. Please see the staff.</translation>
    </message>
    <message>
        <source>This kiosk has no printer. Your act is saved: the staff can print it for you, or print it again at another kiosk.</source>
        <translation>This kiosk has no printer. Your act is saved: the staff can print it for you, or print it again at another kiosk.</translation>
    </message>
    <message>
        <source>The printer is out of paper. Please ask the staff to add paper, then print again.</source>
        <translation>The printer is out of paper. Please ask the staff to add paper, then print again.</translation>
    </message>
    <message>
        <source>The printer is not ready. Please ask the staff, then print again.</source>
        <translation>The printer is not ready. Please ask the staff, then print again.</translation>
    </message>
    <message>
        <source>Printing failed. Please try again or ask the staff.</source>
        <translation>Printing failed. Please try again or ask the staff.</translation>
    </message>
    <message>
        <source>The bank cannot be reached right now. Please try again later.</source>
        <translation>The bank cannot be reached right now. Please try again later.</translation>
    </message>
    <message>
        <source>This token holds no staff certificate of this bank.</source>
        <translation>This token holds no staff certificate of this bank.</translation>
    </message>
    <message>
        <source>The staff certificate on this token is not valid now (expired, not yet valid or not issued by the bank).</source>
        <translation>The staff certificate on this token is not valid now (expired, not yet valid or not issued by the bank).</translation>
    </message>
    <message>
        <source>The staff token was removed: staff mode has ended. The client&apos;s keys were not changed.</source>
        <translation>The staff token was removed: staff mode has ended. The client&apos;s keys were not changed.</translation>
    </message>
    <message>
        <source>Staff mode has ended. The client&apos;s keys were not changed.</source>
        <translation>Staff mode has ended. The client&apos;s keys were not changed.</translation>
    </message>
    <message>
        <source>The token was removed before the step finished.</source>
        <translation>The token was removed before the step finished.</translation>
    </message>
    <message>
        <source>The token could not generate a new key.</source>
        <translation>The token could not generate a new key.</translation>
    </message>
    <message>
        <source>The token could not store the data.</source>
        <translation>The token could not store the data.</translation>
    </message>
    <message>
        <source>A key on the token cannot be trusted for signing. Please see the staff.</source>
        <translation>A key on the token cannot be trusted for signing. Please see the staff.</translation>
    </message>
    <message>
        <source>The bank&apos;s answer could not be processed. Please see the staff.</source>
        <translation>The bank&apos;s answer could not be processed. Please see the staff.</translation>
    </message>
    <message>
        <source>The new certificate from the bank did not pass the checks and was not installed.</source>
        <translation>The new certificate from the bank did not pass the checks and was not installed.</translation>
    </message>
</context>
<context>
    <name>ExplainScreen</name>
    <message>
        <source>Renewing your keys: what will happen</source>
        <translation>Renewing your keys: what will happen</translation>
    </message>
    <message>
        <source>You enter your token&apos;s PIN on the keypad on this screen.</source>
        <translation>You enter your token&apos;s PIN on the keypad on this screen.</translation>
    </message>
    <message>
        <source>You draw on the screen with your finger. This makes your new keys unpredictable.</source>
        <translation>You draw on the screen with your finger. This makes your new keys unpredictable.</translation>
    </message>
    <message>
        <source>A new key pair is generated on your token. Your current keys stay on it and keep working.</source>
        <translation>A new key pair is generated on your token. Your current keys stay on it and keep working.</translation>
    </message>
    <message>
        <source>The request, signed with your current key, is sent to the bank.</source>
        <translation>The request, signed with your current key, is sent to the bank.</translation>
    </message>
    <message>
        <source>When the bank registers it, the new certificate is written to your token. If the bank needs time, you may leave and come back later: your request is kept.</source>
        <translation>When the bank registers it, the new certificate is written to your token. If the bank needs time, you may leave and come back later: your request is kept.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Your new key pair is already on your token, from your last visit: it is used again. Your current keys keep working.</source>
        <translation>Your new key pair is already on your token, from your last visit: it is used again. Your current keys keep working.</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <source>Are you still there?</source>
        <translation>Are you still there?</translation>
    </message>
    <message numerus="yes">
        <source>For your security the session ends in %n second(s).</source>
        <translation>
            <numerusform>For your security the session ends in %n second.</numerusform>
            <numerusform>For your security the session ends in %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continue</translation>
    </message>
    <message>
        <source>Continue the session</source>
        <translation>Continue the session</translation>
    </message>
</context>
<context>
    <name>InsertTokenScreen</name>
    <message>
        <source>Insert your token</source>
        <translation>Insert your token</translation>
    </message>
    <message>
        <source>Here you can renew the signing keys of your remote banking system and pick up your new certificate. Insert the USB token with your keys into the reader.</source>
        <translation>Here you can renew the signing keys of your remote banking system and pick up your new certificate. Insert the USB token with your keys into the reader.</translation>
    </message>
    <message>
        <source>Your session ended because nothing happened for a while. Remove your token, then insert it again to continue.</source>
        <translation>Your session ended because nothing happened for a while. Remove your token, then insert it again to continue.</translation>
    </message>
    <message>
        <source>The token was removed before the renewal finished.</source>
        <translation>The token was removed before the renewal finished.</translation>
    </message>
    <message>
        <source>Insert the token again to continue.</source>
        <translation>Insert the token again to continue.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>KeyKiosk</source>
        <translation>KeyKiosk</translation>
    </message>
</context>
<context>
    <name>MessageScreen</name>
    <message>
        <source>Error code: %1</source>
        <translation>Error code: %1</translation>
    </message>
</context>
<context>
    <name>NumberPad</name>
    <message>
        <source>Erase</source>
        <translation>Erase</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>Temporarily out of service</source>
        <translation>Temporarily out of service</translation>
    </message>
    <message>
        <source>Error code: %1</source>
        <translation>Error code: %1</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Type your PIN</source>
        <translation>Type your PIN</translation>
    </message>
    <message>
        <source>Erase the last digit</source>
        <translation>Erase the last digit</translation>
    </message>
    <message>
        <source>Confirm the PIN</source>
        <translation>Confirm the PIN</translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message>
        <source>Enter your PIN to pick up your certificate</source>
        <translation>Enter your PIN to pick up your certificate</translation>
    </message>
    <message>
        <source>Enter your token&apos;s PIN</source>
        <translation>Enter your token&apos;s PIN</translation>
    </message>
    <message>
        <source>Cover the keypad with your hand. The keys are in a new order each time.</source>
        <translation>Cover the keypad with your hand. The keys are in a new order each time.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Staff: enter the PIN of your staff token</source>
        <translation>Staff: enter the PIN of your staff token</translation>
    </message>
    <message>
        <source>Client: enter the PIN of your own token</source>
        <translation>Client: enter the PIN of your own token</translation>
    </message>
    <message>
        <source>Staff, please look away. Cover the keypad with your hand: the keys are in a new order each time.</source>
        <translation>Staff, please look away. Cover the keypad with your hand: the keys are in a new order each time.</translation>
    </message>
</context>
<context>
    <name>ReadingTokenScreen</name>
    <message>
        <source>Reading your token…</source>
        <translation>Reading your token…</translation>
    </message>
    <message>
        <source>Please do not remove it.</source>
        <translation>Please do not remove it.</translation>
    </message>
</context>
<context>
    <name>RefusedScreen</name>
    <message>
        <source>The bank refused the registration</source>
        <translation>The bank refused the registration</translation>
    </message>
    <message>
        <source>Your current keys still work. You may start a new request.</source>
        <translation>Your current keys still work. You may start a new request.</translation>
    </message>
    <message>
        <source>The bank&apos;s reason:</source>
        <translation>The bank&apos;s reason:</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>New request</translation>
    </message>
</context>
<context>
    <name>RenewalErrorScreen</name>
    <message>
        <source>Please see the staff</source>
        <translation>Please see the staff</translation>
    </message>
    <message>
        <source>The renewal did not complete</source>
        <translation>The renewal did not complete</translation>
    </message>
    <message>
        <source>Error code: %1</source>
        <translation>Error code: %1</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>Sitting</name>
    <message>
        <source>This token belongs to another organization (%1). It cannot join the sitting of %2: please take it out.</source>
        <translation>This token belongs to another organization (%1). It cannot join the sitting of %2: please take it out.</translation>
    </message>
    <message>
        <source>waiting for their token</source>
        <translation>waiting for their token</translation>
    </message>
    <message>
        <source>reading the token</source>
        <translation>reading the token</translation>
    </message>
    <message>
        <source>ready to renew</source>
        <translation>ready to renew</translation>
    </message>
    <message>
        <source>renewing</source>
        <translation>renewing</translation>
    </message>
    <message>
        <source>accepted by the bank</source>
        <translation>accepted by the bank</translation>
    </message>
    <message>
        <source>certificate received</source>
        <translation>certificate received</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>refused</translation>
    </message>
    <message>
        <source>needs the staff</source>
        <translation>needs the staff</translation>
    </message>
    <message>
        <source>in operation: nothing to renew</source>
        <translation>in operation: nothing to renew</translation>
    </message>
</context>
<context>
    <name>SittingBoardScreen</name>
    <message>
        <source>Signers of %1</source>
        <translation>Signers of %1</translation>
    </message>
    <message>
        <source>INN %1 · sitting %2</source>
        <translation>INN %1 · sitting %2</translation>
    </message>
    <message>
        <source>The session timed out. Take the token out; the next signer inserts theirs.</source>
        <translation>The session timed out. Take the token out; the next signer inserts theirs.</translation>
    </message>
    <message>
        <source>Next signer: insert your own token.</source>
        <translation>Next signer: insert your own token.</translation>
    </message>
    <message>
        <source>When you are done, take your token out: the next signer inserts theirs.</source>
        <translation>When you are done, take your token out: the next signer inserts theirs.</translation>
    </message>
    <message>
        <source>Request %1</source>
        <translation>Request %1</translation>
    </message>
    <message>
        <source>Pick up</source>
        <translation>Pick up</translation>
    </message>
    <message>
        <source>Recover (staff)</source>
        <translation>Recover (staff)</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>New request</translation>
    </message>
    <message>
        <source>Renew</source>
        <translation>Renew</translation>
    </message>
    <message>
        <source>Each signer&apos;s act is printed after their certificate. Finishing prints the sitting&apos;s summary; requests still with the bank are picked up later, at any kiosk.</source>
        <translation>Each signer&apos;s act is printed after their certificate. Finishing prints the sitting&apos;s summary; requests still with the bank are picked up later, at any kiosk.</translation>
    </message>
    <message>
        <source>Finish the sitting</source>
        <translation>Finish the sitting</translation>
    </message>
</context>
<context>
    <name>Staff</name>
    <message>
        <source>Check the client&apos;s identity document.</source>
        <translation>Check the client&apos;s identity document.</translation>
    </message>
    <message>
        <source>Take the application signed by the head of the organization, with the stamp.</source>
        <translation>Take the application signed by the head of the organization, with the stamp.</translation>
    </message>
    <message>
        <source>Enter the application&apos;s number.</source>
        <translation>Enter the application&apos;s number.</translation>
    </message>
    <message numerus="yes">
        <source>Enter the application&apos;s date as day, month and year. It cannot be in the future or older than %n days.</source>
        <translation>
            <numerusform>Enter the application&apos;s date as day, month and year. It cannot be in the future or older than %n days.</numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The SNILS is 11 digits and its check number does not match: check it against the application.</source>
        <translation>The SNILS is 11 digits and its check number does not match: check it against the application.</translation>
    </message>
    <message>
        <source>The INN is 10 or 12 digits and its check digits do not match: check it against the application.</source>
        <translation>The INN is 10 or 12 digits and its check digits do not match: check it against the application.</translation>
    </message>
    <message>
        <source>The certificate names no client of the bank: use the replacement case.</source>
        <translation>The certificate names no client of the bank: use the replacement case.</translation>
    </message>
</context>
<context>
    <name>StaffBanner</name>
    <message numerus="yes">
        <source>Staff mode ends in %n s</source>
        <translation>
            <numerusform>Staff mode ends in %n s</numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>End staff mode</source>
        <translation>End staff mode</translation>
    </message>
    <message>
        <source>Staff mode</source>
        <translation>Staff mode</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
</context>
<context>
    <name>StaffHomeScreen</name>
    <message>
        <source>Staff mode</source>
        <translation>Staff mode</translation>
    </message>
    <message>
        <source>Staff token</source>
        <translation>Staff token</translation>
    </message>
    <message>
        <source>Insert the client&apos;s token in the second place. The staff token stays in: removing it ends staff mode.</source>
        <translation>Insert the client&apos;s token in the second place. The staff token stays in: removing it ends staff mode.</translation>
    </message>
    <message>
        <source>A staff token is in the kiosk. Log in with its PIN to start staff mode.</source>
        <translation>A staff token is in the kiosk. Log in with its PIN to start staff mode.</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Log in</translation>
    </message>
</context>
<context>
    <name>Statuses</name>
    <message>
        <source>initial generation needed</source>
        <translation>initial generation needed</translation>
    </message>
    <message>
        <source>in operation</source>
        <translation>in operation</translation>
    </message>
    <message>
        <source>primary regeneration needed</source>
        <translation>primary regeneration needed</translation>
    </message>
    <message>
        <source>planned regeneration needed</source>
        <translation>planned regeneration needed</translation>
    </message>
    <message>
        <source>accepted by the bank</source>
        <translation>accepted by the bank</translation>
    </message>
    <message>
        <source>new certificate received</source>
        <translation>new certificate received</translation>
    </message>
    <message>
        <source>registration refused</source>
        <translation>registration refused</translation>
    </message>
    <message>
        <source>expired: see the staff</source>
        <translation>expired: see the staff</translation>
    </message>
    <message>
        <source>not yet valid: see the staff</source>
        <translation>not yet valid: see the staff</translation>
    </message>
    <message>
        <source>working</source>
        <translation>working</translation>
    </message>
    <message>
        <source>certificate unreadable: see the staff</source>
        <translation>certificate unreadable: see the staff</translation>
    </message>
</context>
<context>
    <name>TokenScreen</name>
    <message>
        <source>Your token</source>
        <translation>Your token</translation>
    </message>
    <message>
        <source>%1, serial number %2</source>
        <translation>%1, serial number %2</translation>
    </message>
    <message>
        <source>A key set on this token needs your attention. See its status below.</source>
        <translation>A key set on this token needs your attention. See its status below.</translation>
    </message>
    <message>
        <source>Select a subscriber</source>
        <translation>Select a subscriber</translation>
    </message>
    <message>
        <source>Subscriber</source>
        <translation>Subscriber</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Identifier</translation>
    </message>
    <message>
        <source>Cryptography</source>
        <translation>Cryptography</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Signature parameters</source>
        <translation>Signature parameters</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>Profile name</translation>
    </message>
    <message>
        <source>Key type</source>
        <translation>Key type</translation>
    </message>
    <message>
        <source>Start of the validity period</source>
        <translation>Start of the validity period</translation>
    </message>
    <message>
        <source>End of the validity period</source>
        <translation>End of the validity period</translation>
    </message>
    <message>
        <source>You can renew the keys of this profile now.</source>
        <translation>You can renew the keys of this profile now.</translation>
    </message>
    <message>
        <source>Your request is with the bank. Enter your PIN to pick up the certificate.</source>
        <translation>Your request is with the bank. Enter your PIN to pick up the certificate.</translation>
    </message>
    <message>
        <source>The bank refused the last request. You can make a new one.</source>
        <translation>The bank refused the last request. You can make a new one.</translation>
    </message>
    <message>
        <source>These keys cannot be renewed at the kiosk. Please see the staff.</source>
        <translation>These keys cannot be renewed at the kiosk. Please see the staff.</translation>
    </message>
    <message>
        <source>Nothing to do for this profile.</source>
        <translation>Nothing to do for this profile.</translation>
    </message>
    <message>
        <source>Pick up the certificate</source>
        <translation>Pick up the certificate</translation>
    </message>
    <message>
        <source>Renew the keys</source>
        <translation>Renew the keys</translation>
    </message>
    <message>
        <source>Print the act again</source>
        <translation>Print the act again</translation>
    </message>
    <message>
        <source>Your new certificate is on the token. Enter your PIN to finish: the bank is told and your keys switch.</source>
        <translation>Your new certificate is on the token. Enter your PIN to finish: the bank is told and your keys switch.</translation>
    </message>
    <message>
        <source>Print the act</source>
        <translation>Print the act</translation>
    </message>
    <message>
        <source>The PIN of this token is locked: nothing on it can be used. Give the client a new token and run the replacement case on it.</source>
        <translation>The PIN of this token is locked: nothing on it can be used. Give the client a new token and run the replacement case on it.</translation>
    </message>
    <message>
        <source>Staff: choose the recovery case.</source>
        <translation>Staff: choose the recovery case.</translation>
    </message>
    <message>
        <source>Nothing staff can recover here.</source>
        <translation>Nothing staff can recover here.</translation>
    </message>
    <message>
        <source>Recover the expired key</source>
        <translation>Recover the expired key</translation>
    </message>
    <message>
        <source>First key</source>
        <translation>First key</translation>
    </message>
    <message>
        <source>Replacement token</source>
        <translation>Replacement token</translation>
    </message>
    <message>
        <source>Several signers</source>
        <translation>Several signers</translation>
    </message>
    <message>
        <source>Several signers of this organization renew now</source>
        <translation>Several signers of this organization renew now</translation>
    </message>
    <message>
        <source>The bank&apos;s reason</source>
        <translation>The bank&apos;s reason</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>New request</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <source>Key renewal kiosk</source>
        <translation>Key renewal kiosk</translation>
    </message>
    <message>
        <source>High contrast</source>
        <translation>High contrast</translation>
    </message>
</context>
<context>
    <name>WithBankScreen</name>
    <message>
        <source>Accepted by the bank</source>
        <translation>Accepted by the bank</translation>
    </message>
    <message>
        <source>The bank is registering your new key. This screen updates by itself when the certificate is ready.</source>
        <translation>The bank is registering your new key. This screen updates by itself when the certificate is ready.</translation>
    </message>
    <message>
        <source>Request number</source>
        <translation>Request number</translation>
    </message>
    <message>
        <source>Subscriber</source>
        <translation>Subscriber</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Identifier</translation>
    </message>
    <message>
        <source>You may leave now. Next time, insert your token at any kiosk and choose &quot;Pick up the certificate&quot;. Your current keys keep working until then.</source>
        <translation>You may leave now. Next time, insert your token at any kiosk and choose &quot;Pick up the certificate&quot;. Your current keys keep working until then.</translation>
    </message>
    <message>
        <source>I will come back later</source>
        <translation>I will come back later</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <source>Take your slip from the printer.</source>
        <translation>Take your slip from the printer.</translation>
    </message>
    <message>
        <source>Print the slip</source>
        <translation>Print the slip</translation>
    </message>
    <message>
        <source>The bank cannot be reached right now. The kiosk keeps trying and goes on by itself when the bank answers. You may also take your token and come back later, at any kiosk: your request is kept.</source>
        <translation>The bank cannot be reached right now. The kiosk keeps trying and goes on by itself when the bank answers. You may also take your token and come back later, at any kiosk: your request is kept.</translation>
    </message>
</context>
<context>
    <name>WorkingScreen</name>
    <message>
        <source>Checking the PIN…</source>
        <translation>Checking the PIN…</translation>
    </message>
    <message>
        <source>Generating your new key on the token…</source>
        <translation>Generating your new key on the token…</translation>
    </message>
    <message>
        <source>Signing the request and sending it to the bank…</source>
        <translation>Signing the request and sending it to the bank…</translation>
    </message>
    <message>
        <source>Please do not remove your token.</source>
        <translation>Please do not remove your token.</translation>
    </message>
    <message numerus="yes">
        <source>%n second(s)</source>
        <translation>
            <numerusform>%n second</numerusform>
            <numerusform>%n seconds</numerusform>
        </translation>
    </message>
    <message>
        <source>Asking the bank for your certificate…</source>
        <translation>Asking the bank for your certificate…</translation>
    </message>
    <message>
        <source>Switching your token to the new keys…</source>
        <translation>Switching your token to the new keys…</translation>
    </message>
    <message>
        <source>Checking the PIN and the staff certificate…</source>
        <translation>Checking the PIN and the staff certificate…</translation>
    </message>
</context>
<context>
    <name>kk::JourneyController</name>
    <message>
        <source>Nothing was changed on your token: your current key still works.</source>
        <translation>Nothing was changed on your token: your current key still works.</translation>
    </message>
    <message>
        <source>Your current key still works. Next time the kiosk reads the token and continues from what is on it.</source>
        <translation>Your current key still works. Next time the kiosk reads the token and continues from what is on it.</translation>
    </message>
    <message>
        <source>Your current key still works. The new key stays on your token, but the bank has not received the request yet: next time the kiosk sends it, with no drawing.</source>
        <translation>Your current key still works. The new key stays on your token, but the bank has not received the request yet: next time the kiosk sends it, with no drawing.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank has received your request.</source>
        <translation>Your current key still works. The bank has received your request.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank has received your request %1.</source>
        <translation>Your current key still works. The bank has received your request %1.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank keeps your request: next time, at any kiosk, you continue where you left off.</source>
        <translation>Your current key still works. The bank keeps your request: next time, at any kiosk, you continue where you left off.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank keeps your request %1: next time, at any kiosk, you continue where you left off.</source>
        <translation>Your current key still works. The bank keeps your request %1: next time, at any kiosk, you continue where you left off.</translation>
    </message>
    <message>
        <source>Your current key still works. Your new certificate is on the token: next time the kiosk tells the bank and switches your keys.</source>
        <translation>Your current key still works. Your new certificate is on the token: next time the kiosk tells the bank and switches your keys.</translation>
    </message>
    <message>
        <source>The bank has confirmed your new certificate. Next time the kiosk finishes switching your token to the new keys.</source>
        <translation>The bank has confirmed your new certificate. Next time the kiosk finishes switching your token to the new keys.</translation>
    </message>
    <message>
        <source>Your new keys are in operation.</source>
        <translation>Your new keys are in operation.</translation>
    </message>
</context>
<context>
    <name>kk::PinPadController</name>
    <message>
        <source>A wrong PIN was entered before. The token allows only a few more tries.</source>
        <translation>A wrong PIN was entered before. The token allows only a few more tries.</translation>
    </message>
    <message>
        <source>Last try: one more wrong PIN locks the token.</source>
        <translation>Last try: one more wrong PIN locks the token.</translation>
    </message>
    <message>
        <source>The PIN is locked. Please see the staff.</source>
        <translation>The PIN is locked. Please see the staff.</translation>
    </message>
    <message>
        <source>The PIN must be changed first. Please see the staff.</source>
        <translation>The PIN must be changed first. Please see the staff.</translation>
    </message>
</context>
</TS>
