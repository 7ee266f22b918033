import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP proxy on a free loopback port in front of `host:port` (the shared test Pulp), so a test
/// can take "Pulp" away without stopping it: `cut()` drops every open connection and closes each
/// new one at once, `restore()` forwards again.
///
///     let proxy = try await TCPProxy.start(host: "127.0.0.1", port: 24817)
///     proxy.cut(); ...; proxy.restore()
final class TCPProxy: Sendable {
    private struct State {
        var isCut = false
        var channels: [ObjectIdentifier: any Channel] = [:]
    }

    let port: Int
    private let server: any Channel
    private let state: NIOLockedValueBox<State>

    private init(port: Int, server: any Channel, state: NIOLockedValueBox<State>) {
        self.port = port
        self.server = server
        self.state = state
    }

    struct Refused: Error {}

    static func start(host: String, port: Int) async throws -> TCPProxy {
        let state = NIOLockedValueBox(State())
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.autoRead, value: false)
            .childChannelInitializer { inbound in
                guard !state.withLockedValue({ $0.isCut }) else {
                    return inbound.eventLoop.makeFailedFuture(Refused())
                }
                let forward = Forward()
                return inbound.pipeline.addHandler(forward).flatMap {
                    ClientBootstrap(group: inbound.eventLoop)
                        .channelInitializer { outbound in
                            let back = Forward()
                            back.peer = inbound
                            return outbound.pipeline.addHandler(back)
                        }
                        .connect(host: host, port: port)
                }.flatMap { outbound in
                    forward.peer = outbound
                    state.withLockedValue { s in
                        s.channels[ObjectIdentifier(inbound)] = inbound
                        s.channels[ObjectIdentifier(outbound)] = outbound
                    }
                    inbound.closeFuture.whenComplete { _ in
                        _ = state.withLockedValue { $0.channels.removeValue(forKey: ObjectIdentifier(inbound)) }
                    }
                    outbound.closeFuture.whenComplete { _ in
                        _ = state.withLockedValue { $0.channels.removeValue(forKey: ObjectIdentifier(outbound)) }
                    }
                    return inbound.setOption(ChannelOptions.autoRead, value: true)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TCPProxy(port: server.localAddress?.port ?? 0, server: server, state: state)
    }

    /// Takes the server away: open connections are dropped, new ones closed at once.
    func cut() {
        let open = state.withLockedValue { s in
            s.isCut = true
            return Array(s.channels.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    /// Forwards new connections again.
    func restore() {
        state.withLockedValue { $0.isCut = false }
    }

    func stop() async {
        cut()
        try? await server.close()
    }

    /// Copies what one side reads to the other and closes the other when one side closes.
    private final class Forward: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var peer: (any Channel)?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            peer?.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer?.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
