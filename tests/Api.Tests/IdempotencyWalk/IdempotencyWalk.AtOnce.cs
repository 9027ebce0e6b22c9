namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>Writes sent at the same moment: copies of one, bodies under one key, one key by two callers.</summary>
internal sealed partial class IdempotencyWalk
{
    /// <summary>One keyed write sent several times at once: one effect, and every answer the same once the first is kept.</summary>
    private async Task SendTogetherAsync()
    {
        var key = _random.Next(3) == 0 && _sent.Count > 0 ? Pick(_sent).Key ?? FreshKey() : FreshKey();
        var write = _random.Next(7) switch
        {
            0 => Purchase(PickShopper(), key),
            1 => Pay(key) ?? Restock(key),
            2 => Restock(key),
            3 => Chat(PickShopper()).WithKey(key),
            4 => CreateCampaign(key: key),
            5 => AnyChainWrite(PickShopper(), key),
            _ => Seat(PickShopper()).WithKey(key),
        };
        var copies = Enumerable.Repeat(write, _random.Next(2, 5)).ToList();
        var now = server.Now;
        var verdict = _keys.Judge(write, now);
        var answers = await Task.WhenAll(copies.Select(AnswerAsync));
        Note($"{copies.Count} at once: {write} → {string.Join(", ", answers.Select(a => a.ToString()))}");
        _sent.Add(write);
        if (verdict is not KeyVerdict.Fresh)
        {
            foreach (var answer in answers)
            {
                CheckAnswer(write, verdict, answer, now);
            }
            return;
        }
        var first = answers[0];
        CheckAnswer(write, verdict, first, now);
        foreach (var answer in answers.Skip(1))
        {
            Expect(first.IsKept ? answer.Repeats(first) : (answer.Status, answer.Code) == (first.Status, first.Code),
                $"copies of one keyed write answered differently: {first} {first.Body} and {answer} {answer.Body}");
        }
    }

    /// <summary>One new key with different bodies at once: exactly one runs, the others are refused as a conflict.</summary>
    private async Task SendDifferentBodiesTogetherAsync()
    {
        var key = FreshKey();
        var shopper = PickShopper();
        var writes = _random.Next(2) == 0
            ? [Purchase(shopper, key, 1), Purchase(shopper, key, 2), Purchase(shopper, key, 3)]
            : new[] { Restock(key, 1), Restock(key, 2), Restock(key, 3) }.ToList();
        var now = server.Now;
        var verdicts = writes.Select(w => _keys.Judge(w, now)).ToList();
        var answers = await Task.WhenAll(writes.Select(AnswerAsync));
        Note($"different bodies at once under {key}: {string.Join(", ", writes.Zip(answers, (w, a) => $"{w.Body} → {a}"))}");
        _sent.AddRange(writes);
        if (verdicts[0] is not KeyVerdict.Fresh)
        {
            for (var i = 0; i < writes.Count; i++)
            {
                CheckAnswer(writes[i], verdicts[i], answers[i], now);
            }
            return;
        }
        var winners = Enumerable.Range(0, writes.Count).Where(i => answers[i].Code != "conflict").ToList();
        Expect(winners.Count == 1, $"{winners.Count} of the bodies sent at once under one key ran ({string.Join(", ", answers.Select(a => a.ToString()))}); exactly one must");
        CheckAnswer(writes[winners[0]], verdicts[winners[0]], answers[winners[0]], now);
        foreach (var loser in Enumerable.Range(0, writes.Count).Except(winners))
        {
            Expect(answers[loser].Status == 409, $"{writes[loser]} lost to another body but answered {answers[loser]}");
        }
    }

    /// <summary>One key sent by two callers at the same moment: a key belongs to its caller, so each write has an effect of its own.</summary>
    private async Task SendByTwoCallersAtOnceAsync()
    {
        var key = _random.Next(2) == 0 ? FreshKey() : $"k{_random.Next(6)}";
        var shoppers = Shoppers.OrderBy(_ => _random.Next()).Take(2).ToList();
        var units = _random.Next(1, 3);
        var open = _shop.Chains.Values.Where(c => !c.Closed).ToList();
        var writes = _random.Next(3) switch
        {
            0 => [CreateCampaign(Merchant, key, 4, WriteKind.CreateFlashSale), CreateCampaign(OtherMerchant, key, 4, WriteKind.CreateFlashSale)],
            1 when open.Count > 0 => shoppers.Select(s => EnterChain(s, open[0], key, units)).ToList(),
            _ => shoppers.Select(s => Purchase(s, key, units)).ToList(),
        };
        var now = server.Now;
        var verdicts = writes.Select(w => _keys.Judge(w, now)).ToList();
        var answers = await Task.WhenAll(writes.Select(AnswerAsync));
        Note($"two callers at once under {key}: {string.Join(", ", writes.Zip(answers, (w, a) => $"{w} → {a}"))}");
        _sent.AddRange(writes);
        // The two ran in some order: where they compete for the same units, the one that got them went first.
        foreach (var i in Enumerable.Range(0, writes.Count).OrderBy(i => EffectOrder(answers[i])))
        {
            CheckAnswer(writes[i], verdicts[i], answers[i], now);
        }
    }

    private static (int, int) EffectOrder(Answer answer) =>
        (answer.IsSuccess ? 0 : 1, answer.IsSuccess ? answer.Json["entry"]?["no"]?.GetValue<int>() ?? 0 : 0);
}
