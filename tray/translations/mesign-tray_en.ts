<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>tray::EnrollWizard</name>
    <message numerus="yes">
        <location filename="../enroll_wizard.cpp" line="+45"/>
        <source>Wrong PIN: %n tries left.</source>
        <translation>
            <numerusform>Wrong PIN: %n try left.</numerusform>
            <numerusform>Wrong PIN: %n tries left.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tray::PinDialog</name>
    <message numerus="yes">
        <location filename="../pin_dialog.cpp" line="+30"/>
        <source>Wrong %1: %n tries left.</source>
        <translation>
            <numerusform>Wrong %1: %n try left.</numerusform>
            <numerusform>Wrong %1: %n tries left.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+105"/>
        <source>%1: %n tries left</source>
        <translation>
            <numerusform>%1: %n try left</numerusform>
            <numerusform>%1: %n tries left</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tray::TokenModel</name>
    <message numerus="yes">
        <location filename="../token_model.cpp" line="+31"/>
        <source>%n tries left</source>
        <translation>
            <numerusform>%n try left</numerusform>
            <numerusform>%n tries left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+165"/>
        <source>expires in %n day(s)</source>
        <translation>
            <numerusform>expires in %n day</numerusform>
            <numerusform>expires in %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+21"/>
        <source>certificate in slot %1 expires in %n day(s)</source>
        <translation>
            <numerusform>certificate in slot %1 expires in %n day</numerusform>
            <numerusform>certificate in slot %1 expires in %n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tray::TokenWindow</name>
    <message numerus="yes">
        <location filename="../token_window.cpp" line="+119"/>
        <source>%n token(s) — %1</source>
        <translation>
            <numerusform>%n token — %1</numerusform>
            <numerusform>%n tokens — %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+87"/>
        <source> — &lt;b&gt;expires in %n day(s)&lt;/b&gt;</source>
        <translation>
            <numerusform> — &lt;b&gt;expires in %n day&lt;/b&gt;</numerusform>
            <numerusform> — &lt;b&gt;expires in %n days&lt;/b&gt;</numerusform>
        </translation>
    </message>
</context>
</TS>
