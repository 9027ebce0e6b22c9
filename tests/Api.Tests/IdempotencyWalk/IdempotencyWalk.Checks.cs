namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>Every answer against the models.</summary>
internal sealed partial class IdempotencyWalk
{
    private static readonly string[] SeatRefusals = ["team_full", "already_member", "team_closed", "ended", "sold_out"];

    private async Task SendAsync(Write write)
    {
        var now = server.Now;
        var verdict = _keys.Judge(write, now);
        var answer = await AnswerAsync(write);
        Note($"{write} → {answer}");
        _sent.Add(write);
        CheckAnswer(write, verdict, answer, now);
    }

    private void CheckAnswer(Write write, KeyVerdict verdict, Answer answer, DateTimeOffset now)
    {
        var tally = $"{verdict.GetType().Name} {answer.Status}{(answer.Code is null ? "" : " " + answer.Code)}";
        _tallies[tally] = _tallies.GetValueOrDefault(tally) + 1;
        switch (verdict)
        {
            case KeyVerdict.Replay replay:
                Expect(answer.Repeats(replay.First), $"{write} must replay its first answer {replay.First} {replay.First.Body}, got {answer} {answer.Body}");
                break;
            case KeyVerdict.Conflict:
                ExpectCode(write, answer, 409, "conflict");
                break;
            case KeyVerdict.Full full:
                ExpectCode(write, answer, 429, "rate_limited");
                Expect(answer.RetryAfter == full.RetryAfter, $"{write}: Retry-After {answer.RetryAfter}, expected {full.RetryAfter} (when the oldest key expires)");
                break;
            case KeyVerdict.Malformed:
                ExpectCode(write, answer, 400, "validation");
                break;
            default:
                Ran(write, answer, now);
                _keys.Answered(write, now, answer);
                break;
        }
    }

    /// <summary>A write that ran on its merits: its answer is what the shop model says, and its effect goes into the model.</summary>
    private void Ran(Write write, Answer answer, DateTimeOffset now)
    {
        switch (write.Kind)
        {
            case WriteKind.Purchase:
                RanPurchase(write, answer, now);
                break;
            case WriteKind.Pay:
                RanPay(write, answer, now);
                break;
            case WriteKind.Restock:
                if (write.Quantity < 1)
                {
                    ExpectCode(write, answer, 400, "validation");
                    break;
                }
                ExpectCode(write, answer, 200, null);
                _shop.StockAvailable += write.Quantity;
                Expect(answer.Json["stock"]!["available"]!.GetValue<int>() == _shop.StockAvailable, $"{write}: stock {answer.Body}, expected {_shop.StockAvailable} available");
                break;
            case WriteKind.CreateProduct:
                if (write.Quantity < 0)
                {
                    ExpectCode(write, answer, 400, "validation");
                }
                else if (!_shop.Skus.Add(write.Target))
                {
                    ExpectCode(write, answer, 409, "conflict");
                }
                else
                {
                    ExpectCode(write, answer, 201, null);
                }
                break;
            case WriteKind.PostMessage or WriteKind.JoinGroup or WriteKind.LeaveGroup:
                RanChat(write, answer);
                break;
            case WriteKind.CreateFlashSale or WriteKind.CreateGroupBuy:
                RanCampaign(write, answer);
                break;
            case WriteKind.StartChain or WriteKind.EnterChain or WriteKind.CloseChain:
                RanChain(write, answer, now);
                break;
            default:
                RanSeat(write, answer);
                break;
        }
    }

    private void RanChat(Write write, Answer answer)
    {
        var member = _shop.GroupMembers.Contains(write.Caller);
        switch (write.Kind)
        {
            case WriteKind.JoinGroup:
                ExpectCode(write, answer, member ? 200 : 201, null);
                _shop.GroupMembers.Add(write.Caller);
                break;
            case WriteKind.LeaveGroup:
                ExpectCode(write, answer, member ? 204 : 403, member ? null : "not_member");
                _shop.GroupMembers.Remove(write.Caller);
                break;
            case var _ when write.Body!.Contains("\" \"", StringComparison.Ordinal):
                ExpectCode(write, answer, 400, "validation");
                break;
            case var _ when !member:
                ExpectCode(write, answer, 403, "not_member");
                break;
            default:
                ExpectCode(write, answer, 201, null);
                _shop.Messages++;
                Expect(answer.Json["seq"]!.GetValue<long>() == _shop.Messages && answer.Json["author"]!.GetValue<string>() == write.Caller,
                    $"{write}: message {_shop.Messages} by {write.Caller} expected, got {answer.Body}");
                break;
        }
    }

    private void RanPurchase(Write write, Answer answer, DateTimeOffset now)
    {
        if (write.Quantity >= 1 && _shop.ByKey(write.Caller, write.Key) is { } placed)
        {
            // The sale keeps each order's key for good: the key's order again, even once the key's answer has expired.
            ExpectCode(write, answer, 201, null);
            Expect(answer.Json["id"]!.GetValue<string>() == placed.Id, $"{write}: the sale placed {placed.Id} under this key, answered {answer.Body}");
            return;
        }
        var (status, code) = _shop.Purchase(write.Caller, write.Quantity, now);
        ExpectCode(write, answer, status, code);
        if (status != 201)
        {
            return;
        }
        var order = answer.Json;
        var id = order["id"]!.GetValue<string>();
        var payBy = order["payBy"]!.GetValue<DateTimeOffset>();
        Expect(order["quantity"]!.GetValue<int>() == write.Quantity && order["amount"]!.GetValue<long>() == write.Quantity * SalePrice
            && order["status"]!.GetValue<string>() == "pending_payment" && payBy == now + PaymentWindow && !_shop.Orders.ContainsKey(id),
            $"{write}: a new order of {write.Quantity} payable by {now + PaymentWindow} expected, got {answer.Body}");
        var amount = write.Quantity * SalePrice;
        _shop.Orders[id] = new WalkOrder(id, write.Caller, flashSale: true, write.Quantity, payBy, write.Key)
        {
            Amount = amount,
            Commission = CommissionOn(write.Group, write.Caller, amount, SaleCommissionRate),
        };
    }

    /// <summary>
    /// What the group's leader earns on an order placed through the group: the amount times the rate, rounded down, when
    /// the buyer is a member other than the leader; nothing otherwise (the order is made all the same).
    /// </summary>
    private long? CommissionOn(string? group, string buyer, long amount, decimal rate) =>
        group is not null && _shop.GroupMembers.Contains(buyer) && buyer != Shoppers[0] ? (long)decimal.Floor(amount * rate) : null;

    private void RanPay(Write write, Answer answer, DateTimeOffset now)
    {
        var order = _shop.Orders[write.Target];
        if (order.Owner != write.Caller)
        {
            ExpectCode(write, answer, 404, "not_found");
        }
        else if (order.IsClosed(now) || (order.MayBeRefunded(now) && answer.Code == "order_closed"))
        {
            ExpectCode(write, answer, 409, "order_closed");
        }
        else
        {
            ExpectCode(write, answer, 200, null);
            Expect(answer.Json["id"]!.GetValue<string>() == order.Id && answer.Json["status"]!.GetValue<string>() is "paid" or "confirmed",
                $"{write}: the order paid expected, got {answer.Body}");
            order.Paid = true;
        }
    }

    private void RanSeat(Write write, Answer answer)
    {
        if (answer.Status != 201)
        {
            Expect(answer.Status is 409 or 422 && SeatRefusals.Contains(answer.Code), $"{write}: answered {answer} {answer.Body}, not a seat or a refusal the contract names");
            return;
        }
        var order = answer.Json["order"]!;
        var team = answer.Json["team"]!;
        var id = order["id"]!.GetValue<string>();
        Expect(!_shop.Orders.ContainsKey(id) && order["status"]!.GetValue<string>() == "pending_payment"
            && team["joined"]!.GetValue<int>() <= team["size"]!.GetValue<int>(), $"{write}: a new seat expected, got {answer.Body}");
        var amount = order["amount"]!.GetValue<long>();
        _shop.Orders[id] = new WalkOrder(
            id, write.Caller, flashSale: false, 1, order["payBy"]!.GetValue<DateTimeOffset>(), write.Key, team["expiresAt"]!.GetValue<DateTimeOffset>())
        {
            Amount = amount,
            Commission = CommissionOn(write.Group, write.Caller, amount, GroupBuyCommissionRate),
        };
        var teamId = team["id"]!.GetValue<string>();
        if (!_shop.Teams.Contains(teamId))
        {
            _shop.Teams.Add(teamId);
        }
    }

    private static void ExpectCode(Write write, Answer answer, int status, string? code) =>
        Expect(answer.Status == status && answer.Code == code, $"{write}: expected {status} {code}, got {answer} {answer.Body}");
}
