package io.mailtap.flow;

/** Per-direction TCP stream reassembly (being written). */
final class TcpReassembler {
}
