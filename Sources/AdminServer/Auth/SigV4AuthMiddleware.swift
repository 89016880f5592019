import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SigV4

/// Authenticates every API request with Signature Version 4 as AWS services do: the access key decides the
/// calling account, the credential scope the region. Reads the (bounded) body once, because the signature
/// covers it, and hands it to the handler through the context.
public struct SigV4AuthMiddleware: RouterMiddleware {
    public typealias Context = GuardpostRequestContext
    let credentials: CredentialCache
    let verifier: SigV4Verifier

    public init(credentials: CredentialCache, verifier: SigV4Verifier = SigV4Verifier()) {
        self.credentials = credentials
        self.verifier = verifier
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: APIBody.maxBodySize)
        } catch {
            throw GuardDutyError.badRequest("The request is rejected because the request body is larger than \(APIBody.maxBodySize) bytes.")
        }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(request.headers.count + 1)
        if let authority = request.head.authority { headers.append((name: "host", value: authority)) }
        for field in request.headers {
            headers.append((name: field.name.canonicalName, value: field.value))
        }
        let signed = SigV4Request(
            method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query ?? "", headers: headers,
            body: Array(buffer: body)
        )
        let now = Int64(Date().timeIntervalSince1970)
        let caller: Caller
        do {
            let (authorization, timestamp) = try self.verifier.precheck(signed, now: now)
            guard let record = try await self.credentials.accessKey(authorization.accessKeyId), !record.revoked else {
                throw GuardDutyError.unrecognizedClient()
            }
            guard try await self.credentials.isRegionEnabled(authorization.region) else {
                throw GuardDutyError.invalidSignature(
                    "Credential should be scoped to a valid region, not '\(authorization.region)': this Guardpost server does not serve that region (see 'guardpost-admin regions list')."
                )
            }
            let key = self.credentials.signingKey(
                for: record, date: authorization.date, region: authorization.region, service: authorization.service
            )
            try self.verifier.verify(signed, authorization: authorization, timestamp: timestamp, signingKey: key)
            caller = Caller(accountId: record.accountId, region: authorization.region, isOrganizationManagement: record.isOrganizationManagement)
        } catch let failure as SigV4Failure {
            switch failure {
            case .missing: throw GuardDutyError.missingAuthentication()
            case .malformed(let message): throw GuardDutyError(status: 403, code: "IncompleteSignatureException", message: message)
            case .invalid(let message): throw GuardDutyError.invalidSignature(message)
            }
        }
        context.caller = caller
        context.body = body
        context.logger[metadataKey: "accountId"] = .string(caller.accountId)
        context.logger[metadataKey: "region"] = .string(caller.region)
        request.body = .init(buffer: body)
        return try await next(request, context)
    }
}
