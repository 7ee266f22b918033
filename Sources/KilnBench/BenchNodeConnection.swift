import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection of a simulated node for `kiln bench dispatch`: a request
/// at a time, as the ALBS node's `requests` session sends them, on a bare SwiftNIO channel (the
/// HTTP codec and nothing else). The benchmark's load generator shares this machine's cores
/// with the server and PostgreSQL; this lean client leaves them more of the machine than
/// AsyncHTTPClient's pool does, so the figure tells more about the server. Both are reported.
struct BenchNodeConnection: Sendable {
    typealias Channel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
    let channel: Channel
    let host: String

    /// Connects to `127.0.0.1:port`.
    static func connect(port: Int) async throws -> BenchNodeConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Channel(wrappingChannelSynchronously: channel)
                }
            }
        return BenchNodeConnection(channel: channel, host: "127.0.0.1:\(port)")
    }

    /// Runs `body` with the connection's reader and writer; the channel is closed after it.
    func run<T: Sendable>(_ body: (Session) async throws -> T) async throws -> T {
        try await channel.executeThenClose { inbound, outbound in
            let session = Session(inbound: inbound.makeAsyncIterator(), outbound: outbound, host: host)
            return try await body(session)
        }
    }

    /// The connection while it is open: POSTs one request and reads its whole answer.
    final class Session {
        var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
        let host: String

        init(
            inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
            outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>, host: String
        ) {
            self.inbound = inbound
            self.outbound = outbound
            self.host = host
        }

        /// POSTs `body` to `path` with `token`; the status and the body.
        func post(_ path: String, token: String, body: ByteBuffer) async throws -> (status: UInt, body: ByteBuffer) {
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
            head.headers.add(name: "Host", value: host)
            head.headers.add(name: "Authorization", value: "Bearer \(token)")
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(body.readableBytes))
            try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(body)), .end(nil)])
            var status: UInt = 0
            var answer = ByteBuffer()
            while let part = try await inbound.next() {
                switch part {
                case .head(let head): status = head.status.code
                case .body(var bytes): answer.writeBuffer(&bytes)
                case .end: return (status, answer)
                }
            }
            throw BenchConnectionClosed()
        }
    }
}

/// The server closed a benchmark connection before answering.
struct BenchConnectionClosed: Error, CustomStringConvertible {
    var description: String { "the server closed the connection before answering" }
}
