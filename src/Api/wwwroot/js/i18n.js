// Strings in zh-CN (the default) and English; the choice is remembered in localStorage.
const STORAGE_KEY = 'groupbuy.lang';

const strings = {
  zh: {
    liveCampaigns: '正在进行', noCampaigns: '暂时没有进行中的活动', flashSale: '秒杀', groupBuy: '拼团',
    groupPrice: '拼团价', leaderPrice: '团长价', soloPrice: '单买价', price: '秒杀价', teamOf: n => `${n}人团`,
    openTeams: '这些团马上就成了', noOpenTeams: '还没有人开团，来做团长吧', moreToJoin: n => `还差 ${n} 人`,
    join: '去参团', openTeam: '我来开团', quickJoin: '一键参团', endsIn: '距结束', startsIn: '距开始',
    teamExpiresIn: '剩余', remaining: '剩余', sold: '已售', claimed: '已抢',
    productPrice: '原价 ¥', salePrice: '秒杀价 ¥', limitLabel: '每人限购（件）', startsInMinutes: '几分钟后开始', reserved: '待支付', left: n => `仅剩 ${n} 件`,
    buy: '立即抢购', soldOut: '已抢光', notStarted: '即将开始', ended: '已结束', live: '抢购中', scheduled: '未开始',
    forming: '拼团中', waitingForPayment: '人齐了，等大家付款', succeeded: '拼团成功', failed: '拼团失败', teamSucceededNote: '人已凑齐，订单已确认，坐等收货',
    teamFailedNote: '时间到了人没凑齐，已付款项将原路退回', joinedAlready: '你已在团中，邀请好友一起拼',
    share: '邀请好友参团', copied: '链接已复制', seatEmpty: '待加入', leader: '团长', perUserLimit: n => `每人限购 ${n} 件`,
    order: '订单', myOrders: '我的订单', noOrders: '还没有订单', moreOrders: '更多订单', payNow: '立即支付', payBy: '请在此时间内支付', paid: '已支付', confirmed: '已确认',
    cancelled: '已取消', refunded: '已退款', pending_payment: '待支付', amount: '应付', quantity: '数量',
    signIn: '登录', signedInAs: n => `${n}`, signOut: '退出', name: '昵称', userId: '用户 ID', role: '身份',
    shopper: '买家', merchant: '商家', signInHint: '本地试用：生成一个开发令牌', signInFirst: '请先登录',
    notFound: '找不到该页面', loadFailed: '加载失败，请稍后重试', reconnecting: '连接中断，正在重连…',
    merchantConsole: '商家后台', newProduct: '新建商品', sku: '商品编码', productName: '商品名称', stock: '库存',
    create: '创建', launchFlash: '发起秒杀', launchGroup: '发起拼团', product: '商品', quantityShort: '数量',
    startsAt: '开始时间', durationMinutes: '持续（分钟）', teamSize: '成团人数', teamWindow: '成团时限（分钟）',
    launch: '发布', myCampaigns: '我的活动', noMyCampaigns: '还没有活动，先新建商品再发起', open: '打开',
    dashboard: '实时看板', perSecond: '每秒成交', teamsForming: '拼团中', teamsSucceeded: '已成团', teamsFailed: '失败',
    created: '已创建', launched: '活动已发布', merchantOnly: '请以商家身份登录', group: '群聊', members: n => `${n} 位成员`,
    send: '发送', messagePlaceholder: '说点什么…', chain: '接龙', chainJoin: '我要接龙', pickup: '自提',
    notMember: '你还不是群成员', joinGroup: '加入群聊', entries: n => `已接龙 ${n} 人`, total: '合计', orderPlaced: '下单成功',
    viewOrder: '查看订单', days: '天', errors: {
      sold_out: '已抢光', not_started: '活动还没开始', ended: '活动已结束', limit_exceeded: '超过限购数量',
      team_full: '这个团已经满了', already_member: '你已经在团里了', team_closed: '这个团已结束', order_closed: '订单已关闭',
      rate_limited: '操作太快了，请稍后', overloaded: '太火爆了，请稍后重试', unauthorized: '请先登录',
      forbidden: '没有权限', not_found: '不存在', validation: '输入有误', conflict: '已存在', insufficient_stock: '库存不足',
      not_member: '你还不是群成员',
    },
  },
  en: {
    liveCampaigns: 'Live now', noCampaigns: 'No live campaigns right now', flashSale: 'Flash sale', groupBuy: 'Group buy',
    groupPrice: 'Group price', leaderPrice: 'Leader price', soloPrice: 'Buy alone', price: 'Sale price', teamOf: n => `Team of ${n}`,
    openTeams: 'Teams about to form', noOpenTeams: 'No team yet: start one and lead it', moreToJoin: n => `${n} more to join`,
    join: 'Join', openTeam: 'Start a team', quickJoin: 'Quick join', endsIn: 'Ends in', startsIn: 'Starts in',
    teamExpiresIn: 'Time left', remaining: 'Remaining', sold: 'Sold', claimed: 'Claimed',
    productPrice: 'Price ¥', salePrice: 'Sale price ¥', limitLabel: 'Limit per person', startsInMinutes: 'Starts in (minutes)', reserved: 'Awaiting payment', left: n => `Only ${n} left`,
    buy: 'Buy now', soldOut: 'Sold out', notStarted: 'Starting soon', ended: 'Ended', live: 'On sale', scheduled: 'Scheduled',
    forming: 'Forming', waitingForPayment: 'Full: waiting for everyone to pay', succeeded: 'Team formed', failed: 'Team failed', teamSucceededNote: 'Everyone is in: orders confirmed',
    teamFailedNote: 'Time ran out before the team filled: payments are refunded', joinedAlready: 'You are in this team: invite friends',
    share: 'Invite friends', copied: 'Link copied', seatEmpty: 'Open seat', leader: 'Leader', perUserLimit: n => `Limit ${n} per person`,
    order: 'Order', myOrders: 'My orders', noOrders: 'No orders yet', moreOrders: 'More orders', payNow: 'Pay now', payBy: 'Pay within', paid: 'Paid', confirmed: 'Confirmed',
    cancelled: 'Cancelled', refunded: 'Refunded', pending_payment: 'Awaiting payment', amount: 'Amount', quantity: 'Quantity',
    signIn: 'Sign in', signedInAs: n => `${n}`, signOut: 'Sign out', name: 'Name', userId: 'User id', role: 'Role',
    shopper: 'Shopper', merchant: 'Merchant', signInHint: 'Trying it locally: mint a dev token', signInFirst: 'Please sign in first',
    notFound: 'Page not found', loadFailed: 'Could not load; try again shortly', reconnecting: 'Connection lost, reconnecting…',
    merchantConsole: 'Merchant console', newProduct: 'New product', sku: 'SKU', productName: 'Product name', stock: 'Stock',
    create: 'Create', launchFlash: 'Launch a flash sale', launchGroup: 'Launch a group buy', product: 'Product', quantityShort: 'Quantity',
    startsAt: 'Starts at', durationMinutes: 'Duration (minutes)', teamSize: 'Team size', teamWindow: 'Team window (minutes)',
    launch: 'Launch', myCampaigns: 'My campaigns', noMyCampaigns: 'No campaigns yet: create a product, then launch one', open: 'Open',
    dashboard: 'Live dashboard', perSecond: 'Purchases per second', teamsForming: 'Forming', teamsSucceeded: 'Formed', teamsFailed: 'Failed',
    created: 'Created', launched: 'Campaign launched', merchantOnly: 'Sign in as a merchant', group: 'Group', members: n => `${n} members`,
    send: 'Send', messagePlaceholder: 'Say something…', chain: 'Sign-up', chainJoin: 'Sign me up', pickup: 'Pickup',
    notMember: 'You are not a member of this group', joinGroup: 'Join the group', entries: n => `${n} signed up`, total: 'Total', orderPlaced: 'Order placed',
    viewOrder: 'View order', days: 'd', errors: {
      sold_out: 'Sold out', not_started: 'Not started yet', ended: 'This campaign has ended', limit_exceeded: 'Over the per-person limit',
      team_full: 'This team is full', already_member: 'You are already in a team', team_closed: 'This team has closed', order_closed: 'This order has closed',
      rate_limited: 'Too fast: try again in a moment', overloaded: 'Very busy: try again shortly', unauthorized: 'Please sign in',
      forbidden: 'Not allowed', not_found: 'Not found', validation: 'Please check the form', conflict: 'Already exists', insufficient_stock: 'Not enough stock',
      not_member: 'You are not a member of this group',
    },
  },
};

export function lang() {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
}

export function setLang(value) {
  localStorage.setItem(STORAGE_KEY, value);
  document.documentElement.lang = value === 'en' ? 'en' : 'zh-CN';
}

/** A string, or a function of arguments for strings with numbers in them. */
export function t(key, ...args) {
  const value = strings[lang()][key] ?? strings.zh[key] ?? key;
  return typeof value === 'function' ? value(...args) : value;
}

export function errorText(code, fallback) {
  return strings[lang()].errors[code] ?? fallback ?? code;
}

/** Money arrives in fen: 990 is ¥9.90. */
export function money(fen) {
  return `¥${(fen / 100).toFixed(2)}`;
}
