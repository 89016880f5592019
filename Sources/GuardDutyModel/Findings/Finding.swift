/// A GuardDuty finding in the API's schema (botocore `Finding`, schemaVersion 2.0, camelCase), with the
/// members Guardpost fills. Optional members are left out of the JSON when nil, as GuardDuty does.
public struct Finding: Codable, Sendable, Equatable {
    public var accountId: String
    public var arn: String
    public var confidence: Double?
    public var createdAt: String
    public var description: String
    public var id: String
    public var partition: String
    public var region: String
    public var resource: Resource
    public var schemaVersion: String
    public var service: Service
    public var severity: Double
    public var title: String
    public var type: String
    public var updatedAt: String

    public init(
        accountId: String, arn: String, createdAt: String, description: String, id: String, region: String,
        resource: Resource, service: Service, severity: Double, title: String, type: String, updatedAt: String
    ) {
        self.accountId = accountId
        self.arn = arn
        self.confidence = nil
        self.createdAt = createdAt
        self.description = description
        self.id = id
        self.partition = "aws"
        self.region = region
        self.resource = resource
        self.schemaVersion = "2.0"
        self.service = service
        self.severity = severity
        self.title = title
        self.type = type
        self.updatedAt = updatedAt
    }

    /// `Resource`: what the finding is about.
    public struct Resource: Codable, Sendable, Equatable {
        public var resourceType: String
        public var accessKeyDetails: AccessKeyDetails?
        public var instanceDetails: InstanceDetails?
        public var s3BucketDetails: [S3BucketDetail]?
        @Indirect public var eksClusterDetails: EksClusterDetails? = nil
        @Indirect public var kubernetesDetails: KubernetesDetails? = nil

        public init(resourceType: String, accessKeyDetails: AccessKeyDetails? = nil, instanceDetails: InstanceDetails? = nil) {
            self.resourceType = resourceType
            self.accessKeyDetails = accessKeyDetails
            self.instanceDetails = instanceDetails
        }
    }

    public struct AccessKeyDetails: Codable, Sendable, Equatable {
        public var accessKeyId: String?
        public var principalId: String?
        public var userName: String?
        public var userType: String?
        public init(accessKeyId: String?, principalId: String?, userName: String?, userType: String?) {
            self.accessKeyId = accessKeyId
            self.principalId = principalId
            self.userName = userName
            self.userType = userType
        }
    }

    public struct InstanceDetails: Codable, Sendable, Equatable {
        public var instanceId: String?
        public var networkInterfaces: [NetworkInterface]?
        public init(instanceId: String?, networkInterfaces: [NetworkInterface]? = nil) {
            self.instanceId = instanceId
            self.networkInterfaces = networkInterfaces
        }
    }

    public struct NetworkInterface: Codable, Sendable, Equatable {
        public var networkInterfaceId: String?
        public var privateIpAddress: String?
        public var vpcId: String?
        public init(networkInterfaceId: String?, privateIpAddress: String?, vpcId: String? = nil) {
            self.networkInterfaceId = networkInterfaceId
            self.privateIpAddress = privateIpAddress
            self.vpcId = vpcId
        }
    }

    public struct S3BucketDetail: Codable, Sendable, Equatable {
        public var arn: String?
        public var name: String?
        public var type: String?
        public init(arn: String?, name: String?, type: String?) {
            self.arn = arn
            self.name = name
            self.type = type
        }
    }

    /// `Service`: what GuardDuty observed.
    public struct Service: Codable, Sendable, Equatable {
        public var action: Action
        public var evidence: Evidence?
        public var archived: Bool
        public var count: Int
        public var detectorId: String
        public var eventFirstSeen: String
        public var eventLastSeen: String
        public var resourceRole: String
        public var serviceName: String
        public var additionalInfo: AdditionalInfo?
        public var featureName: String?
        /// `USEFUL` or `NOT_USEFUL`, set by UpdateFindingsFeedback.
        public var userFeedback: String?

        public init(
            action: Action, evidence: Evidence?, count: Int, detectorId: String, eventFirstSeen: String, eventLastSeen: String,
            resourceRole: String, additionalInfo: AdditionalInfo?, featureName: String?
        ) {
            self.action = action
            self.evidence = evidence
            self.archived = false
            self.count = count
            self.detectorId = detectorId
            self.eventFirstSeen = eventFirstSeen
            self.eventLastSeen = eventLastSeen
            self.resourceRole = resourceRole
            self.serviceName = "guardduty"
            self.additionalInfo = additionalInfo
            self.featureName = featureName
        }
    }

    /// `ServiceAdditionalInfo`: a JSON document as a string, as GuardDuty delivers it.
    public struct AdditionalInfo: Codable, Sendable, Equatable {
        public var value: String
        public var type: String
        public init(value: String, type: String = "default") {
            self.value = value
            self.type = type
        }
    }

    public struct Evidence: Codable, Sendable, Equatable {
        public var threatIntelligenceDetails: [ThreatIntelligenceDetail]
        public init(threatIntelligenceDetails: [ThreatIntelligenceDetail]) { self.threatIntelligenceDetails = threatIntelligenceDetails }
    }

    public struct ThreatIntelligenceDetail: Codable, Sendable, Equatable {
        public var threatListName: String
        public var threatNames: [String]?
        public init(threatListName: String, threatNames: [String]? = nil) {
            self.threatListName = threatListName
            self.threatNames = threatNames
        }
    }

    /// `Action`: one of the action kinds, named by `actionType`.
    public struct Action: Codable, Sendable, Equatable {
        public var actionType: String
        public var awsApiCallAction: AwsApiCallAction?
        public var dnsRequestAction: DnsRequestAction?
        public var networkConnectionAction: NetworkConnectionAction?
        public var portProbeAction: PortProbeAction?
        @Indirect public var kubernetesApiCallAction: KubernetesApiCallAction? = nil
        @Indirect public var kubernetesPermissionCheckedDetails: KubernetesPermissionCheckedDetails? = nil
        @Indirect public var kubernetesRoleBindingDetails: KubernetesRoleBindingDetails? = nil
        @Indirect public var kubernetesRoleDetails: KubernetesRoleDetails? = nil

        public static func network(_ action: NetworkConnectionAction) -> Action {
            Action(actionType: "NETWORK_CONNECTION", networkConnectionAction: action)
        }
        public static func api(_ action: AwsApiCallAction) -> Action { Action(actionType: "AWS_API_CALL", awsApiCallAction: action) }
        public static func dns(_ action: DnsRequestAction) -> Action { Action(actionType: "DNS_REQUEST", dnsRequestAction: action) }
        public static func portProbe(_ action: PortProbeAction) -> Action { Action(actionType: "PORT_PROBE", portProbeAction: action) }
        public static func kubernetes(_ action: KubernetesApiCallAction) -> Action {
            var result = Action(actionType: "KUBERNETES_API_CALL")
            result.kubernetesApiCallAction = action
            return result
        }

        public init(
            actionType: String, awsApiCallAction: AwsApiCallAction? = nil, dnsRequestAction: DnsRequestAction? = nil,
            networkConnectionAction: NetworkConnectionAction? = nil, portProbeAction: PortProbeAction? = nil
        ) {
            self.actionType = actionType
            self.awsApiCallAction = awsApiCallAction
            self.dnsRequestAction = dnsRequestAction
            self.networkConnectionAction = networkConnectionAction
            self.portProbeAction = portProbeAction
        }
    }

    public struct RemoteIpDetails: Codable, Sendable, Equatable {
        public var city: City?
        public var country: Country?
        public var geoLocation: GeoLocation?
        public var ipAddressV4: String?
        public var ipAddressV6: String?
        public var organization: Organization?
        public init(address: String) {
            if address.contains(":") { self.ipAddressV6 = address } else { self.ipAddressV4 = address }
        }
    }

    public struct PortDetails: Codable, Sendable, Equatable {
        public var port: Int
        public var portName: String
        public init(port: Int) {
            self.port = port
            self.portName = PortNames.name(port)
        }
    }

    public struct LocalIpDetails: Codable, Sendable, Equatable {
        public var ipAddressV4: String?
        public var ipAddressV6: String?
        public init(address: String) {
            if address.contains(":") { self.ipAddressV6 = address } else { self.ipAddressV4 = address }
        }
    }

    public struct NetworkConnectionAction: Codable, Sendable, Equatable {
        public var blocked: Bool
        public var connectionDirection: String
        public var localPortDetails: PortDetails?
        public var protocolName: String
        public var localIpDetails: LocalIpDetails?
        public var remoteIpDetails: RemoteIpDetails?
        public var remotePortDetails: PortDetails?

        enum CodingKeys: String, CodingKey {
            case blocked, connectionDirection, localPortDetails
            case protocolName = "protocol"
            case localIpDetails, remoteIpDetails, remotePortDetails
        }

        public init(blocked: Bool, direction: String, protocolName: String, local: String?, localPort: Int?, remote: String?, remotePort: Int?) {
            self.blocked = blocked
            self.connectionDirection = direction
            self.protocolName = protocolName
            self.localIpDetails = local.map(LocalIpDetails.init(address:))
            self.localPortDetails = localPort.map(PortDetails.init(port:))
            self.remoteIpDetails = remote.map(RemoteIpDetails.init(address:))
            self.remotePortDetails = remotePort.map(PortDetails.init(port:))
        }
    }

    public struct PortProbeAction: Codable, Sendable, Equatable {
        public var blocked: Bool
        public var portProbeDetails: [PortProbeDetail]
        public init(blocked: Bool, portProbeDetails: [PortProbeDetail]) {
            self.blocked = blocked
            self.portProbeDetails = portProbeDetails
        }
    }

    public struct PortProbeDetail: Codable, Sendable, Equatable {
        public var localPortDetails: PortDetails
        public var localIpDetails: LocalIpDetails?
        public var remoteIpDetails: RemoteIpDetails
        public init(localPort: Int, local: String?, remote: String) {
            self.localPortDetails = PortDetails(port: localPort)
            self.localIpDetails = local.map(LocalIpDetails.init(address:))
            self.remoteIpDetails = RemoteIpDetails(address: remote)
        }
    }

    public struct AwsApiCallAction: Codable, Sendable, Equatable {
        public var api: String
        public var callerType: String
        public var errorCode: String?
        public var userAgent: String?
        public var remoteIpDetails: RemoteIpDetails?
        public var serviceName: String
        public init(api: String, callerType: String, errorCode: String?, userAgent: String?, remoteIp: String?, serviceName: String) {
            self.api = api
            self.callerType = callerType
            self.errorCode = errorCode
            self.userAgent = userAgent
            self.remoteIpDetails = remoteIp.map(RemoteIpDetails.init(address:))
            self.serviceName = serviceName
        }
    }

    public struct DnsRequestAction: Codable, Sendable, Equatable {
        public var domain: String
        public var protocolName: String
        public var blocked: Bool
        enum CodingKeys: String, CodingKey {
            case domain
            case protocolName = "protocol"
            case blocked
        }
        public init(domain: String, protocolName: String, blocked: Bool) {
            self.domain = domain
            self.protocolName = protocolName
            self.blocked = blocked
        }
    }
}

/// Well-known port names, as GuardDuty writes `portName`.
public enum PortNames {
    public static func name(_ port: Int) -> String {
        switch port {
        case 21: return "FTP"
        case 22: return "SSH"
        case 23: return "Telnet"
        case 25: return "SMTP"
        case 53: return "DNS"
        case 80: return "HTTP"
        case 110: return "POP3"
        case 123: return "NTP"
        case 143: return "IMAP"
        case 443: return "HTTPS"
        case 445: return "SMB"
        case 587: return "SMTP"
        case 1433: return "MSSQL"
        case 3306: return "MYSQL"
        case 3389: return "RDP"
        case 5432: return "POSTGRESQL"
        case 6379: return "REDIS"
        case 9200, 9300: return "ELASTICSEARCH"
        case 27017: return "MONGODB"
        default: return "Unknown"
        }
    }
}
