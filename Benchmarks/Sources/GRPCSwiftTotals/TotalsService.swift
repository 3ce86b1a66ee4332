import GRPCCore

/// `tally.v1.Tally/Totals` as a unary gRPC method that answers every request with the same
/// payload: the `TotalsResponse` bytes tallyd sent for the benchmark's request. It does not read
/// the request beyond receiving it, as generated unary code does (exactly one message).
struct TotalsService: RegistrableRPCService {
    static let method = MethodDescriptor(fullyQualifiedService: "tally.v1.Tally", method: "Totals")

    let payload: [UInt8]

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let payload = self.payload
        router.registerHandler(
            forMethod: Self.method,
            deserializer: RawBytesDeserializer(),
            serializer: RawBytesSerializer()
        ) { request, _ in
            _ = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: ServerResponse(message: payload))
        }
    }
}
