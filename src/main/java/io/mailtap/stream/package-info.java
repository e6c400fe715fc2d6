/**
 * The stream stage, between {@code flow} (TCP reassembly) and the application protocol
 * ({@code smtp}): which flows carry the protocol and what of their bytes is plain application
 * text. It knows no SMTP command: the protocol declares its vocabulary ({@link
 * io.mailtap.stream.ClientWords}) and implements the interfaces owned here.
 *
 * <h2>Units</h2>
 * <ul>
 * <li>{@link io.mailtap.stream.ConnectionRouter}: the flow table's listener. Per flow one
 *   {@code FlowState} (a sealed set: awaiting payload, opened, probing, ignored, conversation) in
 *   the flow's attachment slot; flows to configured ports become conversations at once, others only
 *   once {@link io.mailtap.stream.ContentProbe} (dynamic protocol detection) proves the protocol,
 *   and are then reported from their first packet.</li>
 * <li>{@link io.mailtap.stream.Conversation}: one connection's two byte streams; tells a TLS
 *   record from text (implicit TLS, or TLS after the protocol's upgrade), reads through a proxy
 *   handshake at the start ({@code tunnel/}: HTTP CONNECT, SOCKS4/4a, SOCKS5, one parser per
 *   file), counts what it cannot read (opaque), and hands plain bytes, holes and the end to the
 *   protocol that extends it.</li>
 * <li>{@link io.mailtap.stream.Conversations}: what the protocol provides to the router
 *   (conversations, the connection facts it reports, the probe's outcomes it counts).</li>
 * </ul>
 */
package io.mailtap.stream;
