// Where Safaricom posts STK results: <CALLBACK_PATH>/<transactionId>/<token>. A leaf module, so
// the logging and error layers can know the path without importing the route.
export const CALLBACK_PATH = '/api/v1/callbacks/mpesa';
