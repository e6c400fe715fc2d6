package io.mailtap.smtp;

/** Receives the SMTP analyzer's events, in packet order, on the analyzer's thread. */
@FunctionalInterface
public interface SmtpEventListener {
    void onEvent(SmtpEvent event);
}
