import type { ColumnType } from "kysely";
export type Generated<T> = T extends ColumnType<infer S, infer I, infer U>
  ? ColumnType<S, I | undefined, U>
  : ColumnType<T, T | undefined, T>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type ApiKey = {
    id: string;
    projectId: string;
    mode: string;
    publicKey: string;
    secretKeyEnc: string;
    createdAt: Timestamp;
};
export type AuditEntry = {
    id: string;
    createdAt: Timestamp;
    actorKind: string;
    actorId: string | null;
    actorLabel: string;
    action: string;
    projectId: string | null;
    mode: string | null;
    targetId: string | null;
    details: string;
    sourceIp: string | null;
    requestId: string | null;
};
export type CallbackRecord = {
    id: string;
    transactionId: string | null;
    checkoutRequestId: string | null;
    sourceIp: string;
    rawBody: Buffer;
    outcome: string | null;
    receivedAt: Generated<Timestamp>;
    processedAt: Timestamp | null;
};
export type DashboardMembership = {
    userId: string;
    projectId: string;
    createdAt: Timestamp;
};
export type DashboardSession = {
    id: string;
    tokenHash: string;
    userId: string;
    csrfToken: string;
    createdAt: Timestamp;
    lastSeenAt: Timestamp;
    expiresAt: Timestamp;
};
export type DashboardUser = {
    id: string;
    email: string;
    name: string;
    role: string;
    passwordHash: string;
    createdAt: Timestamp;
    disabledAt: Timestamp | null;
};
export type DeliveryAttempt = {
    id: string;
    deliveryId: string;
    attemptedAt: Timestamp;
    statusCode: number | null;
    latencyMs: number;
    responseBody: string | null;
    error: string | null;
};
export type Event = {
    id: string;
    projectId: string;
    mode: string;
    type: string;
    transactionId: string | null;
    payload: string;
    createdAt: Generated<Timestamp>;
};
export type MpesaAccount = {
    id: string;
    projectId: string;
    name: string;
    environment: string;
    shortcode: string;
    tillNumber: string | null;
    consumerKeyEnc: string;
    consumerSecretEnc: string;
    passkeyEnc: string;
    initiatorName: string | null;
    initiatorCredentialEnc: string | null;
    isDefault: Generated<boolean>;
    createdAt: Timestamp;
    updatedAt: Timestamp;
    deletedAt: Timestamp | null;
    disabledAt: Timestamp | null;
    idempotencyKey: string | null;
    requestHash: string | null;
};
export type Project = {
    id: string;
    name: string;
    createdAt: Generated<Timestamp>;
    disabledAt: Timestamp | null;
};
export type QueryPace = {
    appKey: string;
    nextSlotAt: Timestamp;
    pausedUntil: Timestamp;
};
export type RateLimit = {
    key: string;
    points: Generated<number>;
    expire: string | null;
};
export type RequestNonce = {
    key: string;
    tag: string;
    expiresAt: Timestamp;
};
export type RetiringApiKey = {
    id: string;
    projectId: string;
    mode: string;
    publicKey: string;
    secretKeyEnc: string;
    createdAt: Timestamp;
    retiredAt: Timestamp;
    expiresAt: Timestamp;
};
export type SocketIoAttachment = {
    id: Generated<string>;
    created_at: Generated<Timestamp>;
    payload: Buffer;
};
export type StatusChange = {
    id: string;
    transactionId: string;
    fromStatus: string | null;
    toStatus: string;
    source: string;
    resultCode: string | null;
    resultDesc: string | null;
    createdAt: Generated<Timestamp>;
};
export type Transaction = {
    id: string;
    projectId: string;
    mode: string;
    accountId: string | null;
    status: string;
    phone: string;
    amount: number;
    channel: string;
    shortcode: string;
    partyB: string;
    accountReference: string;
    description: string;
    metadata: string | null;
    idempotencyKey: string | null;
    requestHash: string | null;
    merchantRequestId: string | null;
    checkoutRequestId: string | null;
    customerMessage: string | null;
    pushFinishedAt: Timestamp | null;
    refusalCode: string | null;
    refusalMessage: string | null;
    refusalRetryAfter: number | null;
    refusalHttpStatus: number | null;
    refusalDarajaCode: string | null;
    refusalDarajaMessage: string | null;
    refusalDarajaRequestId: string | null;
    refusalUnreachable: string | null;
    resultCode: string | null;
    resultDesc: string | null;
    mpesaReceiptNumber: string | null;
    amountPaid: number | null;
    paidPhone: string | null;
    transactionDate: string | null;
    createdAt: Generated<Timestamp>;
    updatedAt: Timestamp;
    settledAt: Timestamp | null;
    settledBy: string | null;
    reconcileAt: Timestamp | null;
    queryAttempts: Generated<number>;
};
export type WebhookDelivery = {
    id: string;
    eventId: string;
    endpointId: string;
    status: string;
    attempts: Generated<number>;
    nextAttemptAt: Timestamp;
    lockedUntil: Timestamp | null;
    lastStatusCode: number | null;
    lastError: string | null;
    completedAt: Timestamp | null;
    createdAt: Generated<Timestamp>;
};
export type WebhookEndpoint = {
    id: string;
    projectId: string;
    mode: string;
    url: string;
    description: string | null;
    eventTypes: string;
    enabled: Generated<boolean>;
    disabledReason: string | null;
    secretEnc: string;
    previousSecretEnc: string | null;
    previousSecretExpiresAt: Timestamp | null;
    failingSince: Timestamp | null;
    deletedAt: Timestamp | null;
    createdAt: Generated<Timestamp>;
    updatedAt: Timestamp;
    idempotencyKey: string | null;
    requestHash: string | null;
};
export type DB = {
    ApiKey: ApiKey;
    AuditEntry: AuditEntry;
    CallbackRecord: CallbackRecord;
    DashboardMembership: DashboardMembership;
    DashboardSession: DashboardSession;
    DashboardUser: DashboardUser;
    DeliveryAttempt: DeliveryAttempt;
    Event: Event;
    MpesaAccount: MpesaAccount;
    Project: Project;
    QueryPace: QueryPace;
    rate_limits: RateLimit;
    RequestNonce: RequestNonce;
    RetiringApiKey: RetiringApiKey;
    socket_io_attachments: SocketIoAttachment;
    StatusChange: StatusChange;
    Transaction: Transaction;
    WebhookDelivery: WebhookDelivery;
    WebhookEndpoint: WebhookEndpoint;
};
