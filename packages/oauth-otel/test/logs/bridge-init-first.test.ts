import { bridgeOrderSuite } from './bridge-order';
bridgeOrderSuite('init-first');
